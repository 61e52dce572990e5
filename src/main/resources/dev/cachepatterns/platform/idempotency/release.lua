-- Frees a key whose attempt ended without an outcome to keep (a 5xx, a failure), so a retry may run; only this
-- attempt's own pending entry is deleted.
-- KEYS: the key's entry. ARGV: this attempt's pending entry.
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  return 1
end
return 0
