/**
 * The Redis side shared by the strategies: {@link dev.cachepatterns.cache.redis.RedisGuard} (a time-out on every call
 * and one circuit breaker; every failure comes out as {@link dev.cachepatterns.cache.redis.RedisUnavailableException}),
 * Lua scripts held as resource files ({@link dev.cachepatterns.cache.redis.LuaScript}), hash-slot routing of multi-key
 * commands for Redis Cluster ({@link dev.cachepatterns.cache.redis.HashSlot}, {@link
 * dev.cachepatterns.cache.redis.MultiKeyCommands}), the cluster's slot map ({@link dev.cachepatterns.cache.redis.SlotMap},
 * which the near tier follows) and the one parser of {@code INFO} ({@link
 * dev.cachepatterns.cache.redis.RedisInfo}). Operations code may read the guard's circuit state and parse INFO, and a
 * service may run scripts of its own with {@code LuaScript}; the rest is {@link dev.cachepatterns.cache.Internal}. Calls in flight stay below the connection pool ({@code Admission}): a
 * wait for a connection is local congestion, not a Redis failure, and start-up opens the pool before readiness
 * ({@link dev.cachepatterns.cache.redis.ConnectionWarmUp}).
 */
package dev.cachepatterns.cache.redis;
