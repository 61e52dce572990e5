package dev.cachepatterns.cache.aside;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * One instance of a test's cache with a near tier, as one replica of a service would hold it: its own cache name (so
 * its meters count its reads alone), the key prefix it shares with the other instances, its own loader over the shared
 * table and its own near tier with its own tracking connections.
 */
record NearInstance(
        String name,
        CacheAsideSettings settings,
        RowTable rows,
        CacheAside<Long, TestRow> cache,
        MeterRegistry registry) {

    static final Duration WAIT = Duration.ofSeconds(30);
    private static final Pattern VERSION = Pattern.compile("(?:^|\"name\":\")v(\\d+)");

    /** {@code count} instances of one new cache, near tier on (heartbeat 300 ms, max silence 1 s). */
    static List<NearInstance> create(CacheAsideFactory factory, Pool pool, MeterRegistry registry, int count) {
        TestCacheName unique = TestCacheName.unique("near");
        CacheAsideSettings settings =
                new NearAsideSettings(TestAsideSettings.defaults(unique.keyPrefix()), TestNearSettings.on());
        List<NearInstance> instances = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String name = unique.name() + "-" + (char) ('a' + i);
            RowTable rows = RowTable.in(pool);
            instances.add(new NearInstance(
                    name,
                    settings,
                    rows,
                    factory.create(name, settings, TestRow.class, rows, String::valueOf),
                    registry));
        }
        return instances;
    }

    Optional<TestRow> get(long id) {
        return cache.get(id).await().atMost(WAIT);
    }

    String key(long id) {
        return cache.keyOf(id);
    }

    NearTier tier() {
        return cache.nearTier();
    }

    /** What the near tier alone answers for {@code id} now (the entry's JSON), or null. */
    String held(long id) {
        return tier().get(key(id));
    }

    /** Reads {@code id} until the near tier holds it and serves it (a Redis hit is kept; fills are not). */
    void holdInTier(long id) {
        org.awaitility.Awaitility.await().atMost(WAIT).until(() -> {
            get(id);
            return held(id) != null;
        });
    }

    /**
     * The service's write: the row renamed at the source, then the entry invalidated (deleted and re-warmed). True when
     * the invalidation reached Redis: then the write is acknowledged.
     */
    boolean rename(long id, String name) {
        rows.rename(id, name);
        return invalidate(id);
    }

    /** Invalidates {@code id}; true when the delete reached Redis (no invalidation failure counted). */
    boolean invalidate(long id) {
        double failures = invalidationFailures();
        cache.invalidate(id).await().atMost(WAIT);
        return invalidationFailures() == failures;
    }

    double nearHits() {
        Counter counter = registry.find("cache.gets")
                .tag("cache", name)
                .tag("result", "near_hit")
                .counter();
        return counter == null ? 0 : counter.count();
    }

    double flushes(String reason) {
        Counter counter = registry.find("cache.near.flushes")
                .tag("cache", name)
                .tag("reason", reason)
                .counter();
        return counter == null ? 0 : counter.count();
    }

    double invalidations() {
        Counter counter =
                registry.find("cache.near.invalidations").tag("cache", name).counter();
        return counter == null ? 0 : counter.count();
    }

    private double invalidationFailures() {
        Counter counter =
                registry.find("cache.invalidation.failures").tag("cache", name).counter();
        return counter == null ? 0 : counter.count();
    }

    /** The version a row's name carries ({@code v<n>}), read from the name or from the entry's JSON. */
    static long version(String nameOrJson) {
        Matcher found = VERSION.matcher(nameOrJson);
        if (!found.find()) {
            throw new IllegalArgumentException("no version in " + nameOrJson);
        }
        return Long.parseLong(found.group(1));
    }
}
