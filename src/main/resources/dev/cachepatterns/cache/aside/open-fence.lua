-- Opens a fence before a load whose result will be filled (the lease of "Scaling Memcache at Facebook").
-- KEYS: the entry. ARGV: a new fence marker ("!fence:<random>"), its lease in ms.
-- Returns what the entry holds now: a value or the absent marker (someone filled it: no load needed), an
-- outstanding fence (adopted: it was opened after the last invalidation, as this caller's miss was), or, when the
-- entry was empty, the new fence, stored in the entry itself so that any invalidation (a DEL) revokes it.
local current = redis.call('get', KEYS[1])
if current then
  return current
end
redis.call('set', KEYS[1], ARGV[1], 'px', ARGV[2])
return ARGV[1]
