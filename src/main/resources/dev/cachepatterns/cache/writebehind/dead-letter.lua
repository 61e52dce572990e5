-- Moves entries to the dead-letter stream. KEYS: stream, pending hash, failures hash, dead-letter stream.
-- ARGV: group, reason, entry ids...
-- Each entry this call acknowledges is copied to the dead-letter stream (with its id and the reason) and its delta
-- leaves the pending hash. Returns the number moved.
local moved = 0
for i = 3, #ARGV do
  local id = ARGV[i]
  local found = redis.call('XRANGE', KEYS[1], id, id)
  if redis.call('XACK', KEYS[1], ARGV[1], id) == 1 then
    moved = moved + 1
    local fields = {'source-id', id, 'reason', ARGV[2]}
    if found[1] then
      local f = found[1][2]
      for j = 1, #f do
        fields[#fields + 1] = f[j]
      end
      takeOutOfPending(KEYS[2], f)
    end
    redis.call('XADD', KEYS[4], '*', unpack(fields))
    redis.call('XDEL', KEYS[1], id)
    redis.call('HDEL', KEYS[3], id)
  end
end
return moved
