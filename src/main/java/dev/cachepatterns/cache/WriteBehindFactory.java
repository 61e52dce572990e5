package dev.cachepatterns.cache;

import java.util.List;

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
     * applied by {@code sink}. {@code copies} is the cache that holds the entities with their counters (dropped and
     * re-warmed when the entity's increments are flushed), or null.
     */
    public WriteBehind create(
            String name, WriteBehindSettings settings, List<String> fields, WriteBehindSink sink, CachedCopies copies) {
        return new WriteBehind(
                name,
                settings,
                fields,
                sink,
                copies == null ? null : copies.key(),
                copies == null ? null : copies.rewarm(),
                redis,
                guard,
                pool,
                registry);
    }
}
