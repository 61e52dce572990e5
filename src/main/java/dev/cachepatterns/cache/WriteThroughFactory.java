package dev.cachepatterns.cache;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.function.ToLongFunction;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * Builds {@link WriteThrough} caches that share the Redis guard, the load limiter, the lock and the fill signals, and
 * runs their repair (invalidating entries a failed write could not reach) every {@code cache.write-through.repair-interval}
 * (default 1s).
 */
@ApplicationScoped
public class WriteThroughFactory {

    private final ReactiveRedisDataSource redis;
    private final ObjectMapper mapper;
    private final RedisGuard guard;
    private final LoadLimiter limiter;
    private final DistributedLock lock;
    private final FillSignals signals;
    private final MeterRegistry registry;
    private final List<WriteThrough<?, ?>> created = new CopyOnWriteArrayList<>();

    public WriteThroughFactory(
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
     * A write-through cache named {@code name} (the {@code cache} tag of its metrics) over {@code loader}, with keys
     * rendered by {@code keyRenderer} and versions read by {@code versionOf} (increasing with every committed change).
     */
    public <K, V> WriteThrough<K, V> create(
            String name,
            WriteThroughSettings settings,
            Class<V> type,
            Loader<K, V> loader,
            Function<K, String> keyRenderer,
            ToLongFunction<V> versionOf) {
        WriteThrough<K, V> cache = new WriteThrough<>(
                name,
                settings,
                new JsonCodec<>(mapper, type),
                loader,
                keyRenderer,
                versionOf,
                redis,
                guard,
                limiter,
                lock,
                signals,
                registry);
        created.add(cache);
        return cache;
    }

    @Scheduled(
            every = "${cache.write-through.repair-interval:1s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> repairAll() {
        return Multi.createFrom()
                .iterable(created)
                .onItem()
                .transformToUniAndConcatenate(WriteThrough::repair)
                .onItem()
                .ignoreAsUni();
    }
}
