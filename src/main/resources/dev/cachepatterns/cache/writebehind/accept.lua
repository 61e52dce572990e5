-- Accepts one increment: recorded in the stream and counted as pending in one atomic step.
-- KEYS: stream, pending hash. ARGV: max backlog, entity, field, delta, accept id, fields to report...
-- Returns {1, backlog, pending of each reported field}, or {0, backlog} when the backlog is full.
local backlog = redis.call('XLEN', KEYS[1])
if backlog >= tonumber(ARGV[1]) then
  return {0, backlog}
end
redis.call('XADD', KEYS[1], '*', 'e', ARGV[2], 'f', ARGV[3], 'd', ARGV[4], 'id', ARGV[5])
redis.call('HINCRBY', KEYS[2], ARGV[2] .. ':' .. ARGV[3], ARGV[4])
local reply = {1, backlog + 1}
for i = 6, #ARGV do
  reply[#reply + 1] = redis.call('HGET', KEYS[2], ARGV[2] .. ':' .. ARGV[i]) or '0'
end
return reply
