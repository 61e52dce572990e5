-- Swaps a ranking built aside in. KEYS: this rebuild's own set (named after its lock token), live scores,
-- refreshed-at, lock, delta log. ARGV: lock token, ttl millis, now millis, snapshot xmin, xmax, in-progress csv,
-- expected members, ttl millis of an empty ranking. Returns 1 when swapped, 0 when the lock was lost, -1 when the built set is incomplete.
if redis.call('get', KEYS[4]) ~= ARGV[1] then
  redis.call('unlink', KEYS[1])
  return 0
end
-- Every ZADD chunk must have landed: never swap in (and stamp refreshed-at on) a partial or missing set.
if redis.call('zcard', KEYS[1]) ~= tonumber(ARGV[7]) then
  redis.call('unlink', KEYS[1])
  return -1
end
for _, entry in ipairs(redis.call('lrange', KEYS[5], 0, -1)) do
  local xid, delta, member = string.match(entry, '^(%d+) (%S+) (.+)$')
  if not seen(ARGV[4], ARGV[5], ARGV[6], xid) then redis.call('zincrby', KEYS[1], delta, member) end
end
-- A ranking nobody has scored on (an unknown name) is kept only briefly: names cost no lasting state.
local ttl = ARGV[2]
if redis.call('exists', KEYS[1]) == 0 then ttl = ARGV[8] end
-- UNLINK frees a big old set in the background; RENAME over it would free it inline and block Redis.
redis.call('unlink', KEYS[2])
-- refreshed-at also records the snapshot the set was built from, so a late increment is not counted twice.
redis.call('set', KEYS[3], ARGV[3] .. ' ' .. ARGV[4] .. ':' .. ARGV[5] .. ':' .. ARGV[6], 'PX', ttl)
if redis.call('exists', KEYS[1]) == 1 then
  redis.call('rename', KEYS[1], KEYS[2])
  -- The very millisecond refreshed-at expires: Redis 7.0 does not freeze the clock for expires set in a script, so
  -- two relative TTLs can end 1 ms apart and a read in between finds the ranking empty.
  redis.call('pexpireat', KEYS[2], redis.call('pexpiretime', KEYS[3]))
end
redis.call('del', KEYS[5], KEYS[4])
return 1
