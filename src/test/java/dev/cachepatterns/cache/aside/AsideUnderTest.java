package dev.cachepatterns.cache.aside;

import java.util.function.UnaryOperator;

import io.vertx.mutiny.sqlclient.Pool;

import dev.cachepatterns.cache.core.CacheKeys;

/**
 * One cache-aside cache built by a test through {@link CacheAsideFactory}: its own name and key prefix, its settings and
 * its own counting loader over the test table.
 */
record AsideUnderTest(String name, TestAsideSettings settings, RowTable rows, CacheAside<Long, TestRow> cache) {

    static AsideUnderTest create(CacheAsideFactory factory, Pool pool) {
        return create(factory, pool, UnaryOperator.identity());
    }

    static AsideUnderTest create(CacheAsideFactory factory, Pool pool, UnaryOperator<TestAsideSettings> tweak) {
        TestCacheName unique = TestCacheName.unique("aside");
        TestAsideSettings settings = tweak.apply(TestAsideSettings.defaults(unique.keyPrefix()));
        RowTable rows = RowTable.in(pool);
        return new AsideUnderTest(
                unique.name(),
                settings,
                rows,
                factory.create(unique.name(), settings, TestRow.class, rows, String::valueOf));
    }

    /**
     * Another instance of this cache: the same name, key prefix and settings (but {@code tweak}ed), its own in-JVM
     * flights and its own loader over the same table, as a second replica of the service would have.
     */
    AsideUnderTest sibling(CacheAsideFactory factory, Pool pool, UnaryOperator<TestAsideSettings> tweak) {
        TestAsideSettings theirs = tweak.apply(settings);
        RowTable theirRows = RowTable.in(pool);
        return new AsideUnderTest(
                name, theirs, theirRows, factory.create(name, theirs, TestRow.class, theirRows, String::valueOf));
    }

    String key(long id) {
        return cache.keyOf(id);
    }

    /** The key of the load lock that every instance takes before it loads {@code id}. */
    String lockKey(long id) {
        return new CacheKeys(settings.keyPrefix()).lock(String.valueOf(id));
    }
}
