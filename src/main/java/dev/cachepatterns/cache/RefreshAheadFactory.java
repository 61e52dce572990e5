package dev.cachepatterns.cache;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;

/** Builds {@link RefreshAhead} caches (and their sorted-set stores) on the shared guard, lock and load limiter. */
@ApplicationScoped
public class RefreshAheadFactory {

    /** Members per ZADD while a ranking is built aside: big enough to be fast, small enough not to block Redis. */
    static final int RANKED_SET_CHUNK = 1000;

    private final ReactiveRedisDataSource redis;
    private final RedisGuard guard;
    private final DistributedLock lock;
    private final LoadLimiter limiter;
    private final MeterRegistry registry;

    public RefreshAheadFactory(
            ReactiveRedisDataSource redis,
            RedisGuard guard,
            DistributedLock lock,
            LoadLimiter limiter,
            MeterRegistry registry) {
        this.redis = redis;
        this.guard = guard;
        this.lock = lock;
        this.limiter = limiter;
        this.registry = registry;
    }

    /** A refresh-ahead cache named {@code name} (the {@code cache} tag of its metrics). */
    public RefreshAhead create(String name, RefreshAheadSettings settings) {
        return new RefreshAhead(name, settings, redis, guard, lock, limiter, registry);
    }

    /** The sorted-set store of rankings kept fresh by {@code ahead}. */
    public RankedSetCache rankedSets(RefreshAhead ahead) {
        return new RankedSetCache(ahead, redis, guard, RANKED_SET_CHUNK);
    }
}
