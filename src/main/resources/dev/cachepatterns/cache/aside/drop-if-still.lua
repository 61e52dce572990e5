-- Deletes an entry only if it still holds what the caller compared (the auditor's repair): a value filled since
-- then, loaded after the change, stays. KEYS: the entry. ARGV: the content seen. Returns 1 when it deleted it.
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end
