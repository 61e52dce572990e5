-- Applies a committed increment to a cached ranking. KEYS: scores, refreshed-at, rebuild lock, delta log.
-- ARGV: member, stored delta, committing xid, delta log ttl millis.
-- While a rebuild holds the lock the increment is also logged, so the swap can replay it. Returns false when the
-- ranking is not cached, else {stored score, 0-based rank}.
if redis.call('exists', KEYS[3]) == 1 then
  redis.call('rpush', KEYS[4], ARGV[3] .. ' ' .. ARGV[2] .. ' ' .. ARGV[1])
  redis.call('pexpire', KEYS[4], ARGV[4])
end
local base = redis.call('get', KEYS[2])
if not base then return false end
local pttl = redis.call('pttl', KEYS[2])
local xmin, xmax, running = string.match(base, '^%d+ (%d+):(%d+):(.*)$')
local score
if xmin and seen(xmin, xmax, running, ARGV[3]) then
  -- The rebuild that built this set already counted it (this script arrived late): do not add it again.
  score = redis.call('zscore', KEYS[1], ARGV[1])
  if not score then return false end
else
  score = redis.call('zincrby', KEYS[1], ARGV[2], ARGV[1])
  -- A set this increment created expires at the very millisecond refreshed-at does: a relative TTL copied from PTTL
  -- could end up to 1 ms earlier, and a read in that gap would find the board without the member.
  if pttl > 0 and redis.call('pttl', KEYS[1]) == -1 then
    redis.call('pexpireat', KEYS[1], redis.call('pexpiretime', KEYS[2]))
  end
end
return {score, redis.call('zrank', KEYS[1], ARGV[1])}
