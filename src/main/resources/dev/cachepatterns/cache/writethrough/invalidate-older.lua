-- Invalidates an entry older than a version: drops its value and raises its version, so a fill that loaded an older
-- row cannot land afterwards. KEYS: entry hash. ARGV: version, ttl millis. Returns 1 when it changed the entry.
local current = tonumber(redis.call('HGET', KEYS[1], 'v'))
if current and current >= tonumber(ARGV[1]) then return 0 end
redis.call('HDEL', KEYS[1], 'json')
redis.call('HSET', KEYS[1], 'v', ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
