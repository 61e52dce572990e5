-- Counts one more failed try per entry. KEYS: failures hash. ARGV: entry ids...
-- Returns the new counts, in the order of the ids.
local counts = {}
for i = 1, #ARGV do
  counts[i] = redis.call('HINCRBY', KEYS[1], ARGV[i], 1)
end
return counts
