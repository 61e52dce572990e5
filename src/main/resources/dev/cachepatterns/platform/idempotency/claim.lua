-- Claims a key for one attempt, or returns what the key holds (an attempt in progress or a first outcome).
-- KEYS: the key's entry. ARGV: this attempt's pending entry, its lease in milliseconds.
local current = redis.call('GET', KEYS[1])
if current then
  return current
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return false
