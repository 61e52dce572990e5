-- After a row was inserted: only absence can be stale (a value for it was loaded after the insert), so delete the
-- entry if it is the absent marker or a fence (revoking a load that may have seen no row). KEYS: the entry.
-- ARGV: the absent marker, the fence prefix. Returns 1 when it deleted it.
local current = redis.call('get', KEYS[1])
if current and (current == ARGV[1] or string.sub(current, 1, string.len(ARGV[2])) == ARGV[2]) then
  return redis.call('del', KEYS[1])
end
return 0
