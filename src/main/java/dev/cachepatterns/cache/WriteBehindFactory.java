package dev.cachepatterns.cache;

import java.util.List;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.vertx.mutiny.sqlclient.Pool;

/** Builds {@link WriteBehind} components that share the Redis guard, the database pool and the meter registry. */
@ApplicationScoped
public class WriteBehindFactory {

    private final ReactiveRedisDataSource redis;
    private final RedisGuard guard;
    private final Pool pool;
    private final MeterRegistry registry;

    public WriteBehindFactory(ReactiveRedisDataSource redis, RedisGuard guard, Pool pool, MeterRegistry registry) {
        this.redis = redis;
        this.guard = guard;
        this.pool = pool;
        this.registry = registry;
    }

    /**
     * A write-behind component named {@code name} (the {@code name} tag of its metrics) for the counters {@code fields},
     * applied by {@code sink}. {@code cachedCopyKey} names the Redis key that caches an entity together with its
     * counters (dropped when the entity's increments are flushed), or is null.
     */
    public WriteBehind create(
            String name,
            WriteBehindSettings settings,
            List<String> fields,
            WriteBehindSink sink,
            Function<String, String> cachedCopyKey) {
        return new WriteBehind(name, settings, fields, sink, cachedCopyKey, redis, guard, pool, registry);
    }
}
