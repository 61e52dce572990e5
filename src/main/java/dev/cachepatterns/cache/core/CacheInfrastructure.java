package dev.cachepatterns.cache.core;

import jakarta.inject.Singleton;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;

import dev.cachepatterns.cache.Internal;
import dev.cachepatterns.cache.redis.MultiKeyCommands;
import dev.cachepatterns.cache.redis.RedisGuard;

/**
 * What every cache of a service shares: one Redis client behind one guard (time-out and circuit breaker), one bound on
 * database loads, the stampede lock, the fill announcements, the cluster-safe multi-key commands, the JSON mapper, the
 * database pool (write-behind's ledger), Vert.x (the strategies' timers) and the meter registry. Every strategy factory
 * takes this one bean.
 */
@Internal
@Singleton
public final class CacheInfrastructure {

    private final ReactiveRedisDataSource redis;
    private final ObjectMapper mapper;
    private final RedisGuard guard;
    private final LoadLimiter limiter;
    private final DistributedLock lock;
    private final FillSignals signals;
    private final MeterRegistry registry;
    private final MultiKeyCommands multiKey;
    private final Pool pool;
    private final SourcePool source;
    private final Vertx vertx;

    public CacheInfrastructure(
            ReactiveRedisDataSource redis,
            ObjectMapper mapper,
            RedisGuard guard,
            LoadLimiter limiter,
            DistributedLock lock,
            FillSignals signals,
            MeterRegistry registry,
            MultiKeyCommands multiKey,
            Pool pool,
            SourcePool source,
            Vertx vertx) {
        this.redis = redis;
        this.mapper = mapper;
        this.guard = guard;
        this.limiter = limiter;
        this.lock = lock;
        this.signals = signals;
        this.registry = registry;
        this.multiKey = multiKey;
        this.pool = pool;
        this.source = source;
        this.vertx = vertx;
    }

    public ReactiveRedisDataSource redis() {
        return redis;
    }

    public <V> JsonCodec<V> codec(Class<V> type) {
        return new JsonCodec<>(mapper, type);
    }

    public RedisGuard guard() {
        return guard;
    }

    public LoadLimiter limiter() {
        return limiter;
    }

    public DistributedLock lock() {
        return lock;
    }

    public FillSignals signals() {
        return signals;
    }

    public MeterRegistry registry() {
        return registry;
    }

    public MultiKeyCommands multiKey() {
        return multiKey;
    }

    public Pool pool() {
        return pool;
    }

    /** The pool with a deadline on every call: what request paths use. */
    public SourcePool source() {
        return source;
    }

    public Vertx vertx() {
        return vertx;
    }
}
