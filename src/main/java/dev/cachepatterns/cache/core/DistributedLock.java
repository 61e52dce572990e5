package dev.cachepatterns.cache.core;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;

import dev.cachepatterns.cache.Internal;
import dev.cachepatterns.cache.redis.LuaScript;
import dev.cachepatterns.cache.redis.RedisGuard;

/**
 * A Redis lock with an owner token and a lease ({@code SET key token NX PX lease}). Only the owner can release it (a
 * compare-and-delete script), and a crashed owner's lock expires with its lease.
 */
@ApplicationScoped
@Internal
public class DistributedLock {

    private static final LuaScript RELEASE_SCRIPT = LuaScript.load(DistributedLock.class, "release-lock.lua");

    private final ReactiveRedisDataSource redis;
    private final RedisGuard guard;

    public DistributedLock(ReactiveRedisDataSource redis, RedisGuard guard) {
        this.redis = redis;
        this.guard = guard;
    }

    /** The owner token when the lock was taken, empty when someone else holds it. Fails when Redis is unavailable. */
    public Uni<Optional<String>> tryAcquire(String lockKey, Duration lease) {
        String token = UUID.randomUUID().toString();
        return guard.call(() -> redis.execute("SET", lockKey, token, "NX", "PX", String.valueOf(lease.toMillis())))
                .map(reply -> reply == null ? Optional.<String>empty() : Optional.of(token));
    }

    /** Releases the lock if this token still owns it; true when it did. */
    public Uni<Boolean> release(String lockKey, String token) {
        return guard.call(() -> RELEASE_SCRIPT.run(redis, List.of(lockKey), List.of(token)))
                .map(reply -> reply != null && reply.toLong() == 1L);
    }
}
