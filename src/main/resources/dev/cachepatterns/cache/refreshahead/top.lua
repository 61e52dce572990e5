-- The first N members of a cached ranking. KEYS: scores, refreshed-at. ARGV: n.
-- Returns false when the ranking is not cached, else {refreshed-at, its pttl, flat member/score list}.
local refreshed = redis.call('get', KEYS[2])
if not refreshed then return false end
return {refreshed, redis.call('pttl', KEYS[2]),
        redis.call('zrange', KEYS[1], 0, tonumber(ARGV[1]) - 1, 'WITHSCORES')}
