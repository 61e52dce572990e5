-- Replaces this attempt's pending entry with its outcome, kept for the retention. Also stores it when the key holds
-- nothing (the claim could not be made while Redis failed); never over another attempt's entry.
-- KEYS: the key's entry. ARGV: this attempt's pending entry (or ''), the outcome entry, the retention in milliseconds.
local current = redis.call('GET', KEYS[1])
if current == false or current == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
  return 1
end
return 0
