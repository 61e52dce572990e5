-- Clears the delta log for a rebuild that still holds the lock. KEYS: lock, delta log. ARGV: lock token.
-- Fenced with the token: run late by Redis (the client timed out and that rebuild gave up), it must not wipe the log
-- of the rebuild that holds the lock now. Returns 1 when the token holds the lock.
if redis.call('get', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('unlink', KEYS[2])
return 1
