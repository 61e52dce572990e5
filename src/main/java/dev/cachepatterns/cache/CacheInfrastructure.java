package dev.cachepatterns.cache;

import jakarta.inject.Singleton;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;

/**
 * What every entry cache of a service shares: one Redis client behind one guard (time-out and circuit breaker), one
 * bound on database loads, the stampede lock, the fill announcements, the cluster-safe multi-key commands, the JSON
 * mapper and the meter registry. The strategy factories take this instead of the eight beans one by one.
 */
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

    public CacheInfrastructure(
            ReactiveRedisDataSource redis,
            ObjectMapper mapper,
            RedisGuard guard,
            LoadLimiter limiter,
            DistributedLock lock,
            FillSignals signals,
            MeterRegistry registry,
            MultiKeyCommands multiKey) {
        this.redis = redis;
        this.mapper = mapper;
        this.guard = guard;
        this.limiter = limiter;
        this.lock = lock;
        this.signals = signals;
        this.registry = registry;
        this.multiKey = multiKey;
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
}
