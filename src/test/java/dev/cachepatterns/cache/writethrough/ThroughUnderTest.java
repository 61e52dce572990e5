package dev.cachepatterns.cache.writethrough;

import java.util.Map;
import java.util.function.UnaryOperator;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.RedisDataSource;
import io.vertx.mutiny.sqlclient.Pool;

import dev.cachepatterns.cache.aside.TestCacheName;

/**
 * One write-through cache built by a test through {@link WriteThroughFactory}: its own name and key prefix, its
 * settings and its own counting loader over the test table.
 */
record ThroughUnderTest(
        String name, TestWriteThroughSettings settings, ItemTable items, WriteThrough<String, TestItem> cache) {

    static ThroughUnderTest create(WriteThroughFactory factory, Pool pool) {
        return create(factory, pool, UnaryOperator.identity());
    }

    static ThroughUnderTest create(
            WriteThroughFactory factory, Pool pool, UnaryOperator<TestWriteThroughSettings> tweak) {
        TestCacheName unique = TestCacheName.unique("through");
        return over(factory, pool, unique.name(), tweak.apply(TestWriteThroughSettings.defaults(unique.keyPrefix())));
    }

    /**
     * Another cache over the same Redis entries (same key prefix) with a loader of its own, as a second instance of the
     * service would have.
     */
    ThroughUnderTest secondInstance(WriteThroughFactory factory, Pool pool) {
        return over(factory, pool, name + "-second", settings);
    }

    private static ThroughUnderTest over(
            WriteThroughFactory factory, Pool pool, String name, TestWriteThroughSettings settings) {
        ItemTable items = ItemTable.in(pool);
        return new ThroughUnderTest(
                name,
                settings,
                items,
                factory.create(name, settings, TestItem.class, items, id -> id, TestItem::version));
    }

    /** The versioned entry of {@code id} as Redis holds it ({@code v} and {@code json}); empty when there is none. */
    Map<String, String> entry(RedisDataSource redis, String id) {
        return redis.hash(String.class).hgetall(cache.keyOf(id));
    }

    /** Writes counted by what they did to the cache ({@code cache_writes_total{result}}). */
    double writes(MeterRegistry registry, CacheWrite outcome) {
        Counter counter = registry.find("cache.writes")
                .tag("cache", name)
                .tag("result", outcome.label())
                .counter();
        return counter == null ? 0 : counter.count();
    }
}
