-- Acknowledges applied entries. KEYS: stream, pending hash, failures hash, cached copies to drop...
-- ARGV: group, entry ids...
-- For each entry this call acknowledges (XACK = 1), and only for those, the entry's delta leaves the pending hash and
-- the entry is deleted, so a replayed acknowledgement can never decrement twice. Returns the number acknowledged.
local acked = 0
for i = 2, #ARGV do
  local id = ARGV[i]
  local found = redis.call('XRANGE', KEYS[1], id, id)
  if redis.call('XACK', KEYS[1], ARGV[1], id) == 1 then
    acked = acked + 1
    if found[1] then
      takeOutOfPending(KEYS[2], found[1][2])
    end
    redis.call('XDEL', KEYS[1], id)
    redis.call('HDEL', KEYS[3], id)
  end
end
for i = 4, #KEYS do
  redis.call('DEL', KEYS[i])
end
return acked
