package dev.cachepatterns.cache;

import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;

/** Builds {@link CacheAside} instances that share the Redis guard, the load limiter, the lock and the fill signals. */
@ApplicationScoped
public class CacheAsideFactory {

    private final ReactiveRedisDataSource redis;
    private final ObjectMapper mapper;
    private final RedisGuard guard;
    private final LoadLimiter limiter;
    private final DistributedLock lock;
    private final FillSignals signals;
    private final MeterRegistry registry;

    public CacheAsideFactory(
            ReactiveRedisDataSource redis,
            ObjectMapper mapper,
            RedisGuard guard,
            LoadLimiter limiter,
            DistributedLock lock,
            FillSignals signals,
            MeterRegistry registry) {
        this.redis = redis;
        this.mapper = mapper;
        this.guard = guard;
        this.limiter = limiter;
        this.lock = lock;
        this.signals = signals;
        this.registry = registry;
    }

    /**
     * A cache-aside cache named {@code name} (the {@code cache} tag of its metrics) over {@code loader}, with keys
     * rendered by {@code keyRenderer}.
     */
    public <K, V> CacheAside<K, V> create(
            String name, CacheSettings settings, Class<V> type, Loader<K, V> loader, Function<K, String> keyRenderer) {
        return new CacheAside<>(
                settings,
                new JsonCodec<>(mapper, type),
                loader,
                keyRenderer,
                redis,
                guard,
                limiter,
                lock,
                signals,
                new CacheMetrics(name, registry));
    }
}
