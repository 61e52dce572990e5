-- Stores a versioned entry unless it holds a newer version. KEYS: entry hash. ARGV: version, json, ttl millis.
-- Returns the version the entry holds afterwards.
local current = tonumber(redis.call('HGET', KEYS[1], 'v'))
local version = tonumber(ARGV[1])
if current and current > version then return current end
redis.call('HSET', KEYS[1], 'v', ARGV[1], 'json', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return version
