-- One member of a cached ranking. KEYS: scores, refreshed-at. ARGV: member.
-- Returns false when the ranking is not cached, {refreshed-at, pttl, 1 if the ranking has members else 0} when
-- the member has no score, else {refreshed-at, pttl, stored score, 0-based rank}.
local refreshed = redis.call('get', KEYS[2])
if not refreshed then return false end
local pttl = redis.call('pttl', KEYS[2])
local score = redis.call('zscore', KEYS[1], ARGV[1])
if not score then return {refreshed, pttl, redis.call('exists', KEYS[1])} end
return {refreshed, pttl, score, redis.call('zrank', KEYS[1], ARGV[1])}
