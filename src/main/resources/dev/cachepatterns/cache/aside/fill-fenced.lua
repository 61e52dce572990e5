-- Stores a loaded value only if the entry still holds what the loader saw when it opened its fence: no
-- invalidation (DEL), and no other fill, happened since. KEYS: the entry. ARGV: the fence (the entry's content at
-- the miss), the value to store, its TTL in ms. Returns 1 when stored, 0 when the fence was revoked.
if redis.call('get', KEYS[1]) == ARGV[1] then
  redis.call('set', KEYS[1], ARGV[2], 'px', ARGV[3])
  return 1
end
return 0
