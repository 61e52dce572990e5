package dev.cachepatterns.cache.aside;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import jakarta.inject.Inject;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.cachepatterns.support.Metrics;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The near tier against the real Redis: hits come from the JVM, and a change by any other client (SET, DEL, an
 * expiry, a generation bump) drops the entry once Redis' invalidation push has arrived; when the invalidation
 * connection drops, the tier is flushed, reads go to Redis, and it comes back by itself. A connection that stops
 * answering, and one that answers late, are {@link NearTierHeartbeatTest}'s.
 */
@QuarkusTest
class NearTierTrackingTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    CacheAsideFactory factory;

    @Inject
    Pool pool;

    @Inject
    RedisDataSource redis;

    @Inject
    MeterRegistry registry;

    @Test
    void hitsComeFromTheJvmAndAnyOtherClientsWriteDropsThem() {
        Near under = Near.create(factory, pool);
        TestRow ada = under.rows.insert("Ada");
        awaitLive(under);

        assertThat(under.get(ada.id())).contains(ada); // loaded and filled
        assertThat(under.get(ada.id())).contains(ada); // a Redis hit, kept
        double nearHits = nearHits(under);
        for (int i = 0; i < 10; i++) {
            assertThat(under.get(ada.id())).contains(ada);
        }
        assertThat(nearHits(under) - nearHits).isEqualTo(10);
        assertThat(entries(under)).isEqualTo(1);
        assertThat(registry.get("cache.near.bytes")
                        .tag("cache", under.name)
                        .gauge()
                        .value())
                .as("weighed bytes")
                .isGreaterThan(EntryWeigher.OVERHEAD);

        // Another client rewrites the entry: the push drops it, and the next read finds the new value in Redis.
        redis.value(String.class).set(under.key(ada.id()), "{\"id\":" + ada.id() + ",\"name\":\"Ada L.\"}");
        Awaitility.await()
                .atMost(WAIT)
                .until(() -> under.get(ada.id()).map(TestRow::name).orElse("").equals("Ada L."));
        assertThat(invalidations(under)).isPositive();

        // Deleted behind the service's back: the next read misses and loads the row.
        double loads = new Metrics(registry).loads(under.name);
        redis.key().del(under.key(ada.id()));
        Awaitility.await().atMost(WAIT).until(() -> {
            assertThat(under.get(ada.id())).contains(ada);
            return new Metrics(registry).loads(under.name) > loads;
        });
    }

    @Test
    void anEntryThatExpiresInRedisIsDroppedToo() {
        Near under = Near.create(factory, pool);
        TestRow row = heldInTheTier(under, "Short-lived");

        redis.key().pexpire(under.key(row.id()), 50);

        Awaitility.await().atMost(WAIT).until(() -> {
            redis.key().exists(under.key(row.id())); // an access makes Redis expire it at once
            return entries(under) == 0;
        });
    }

    @Test
    void aFlushOfAnyDatabaseFlushesTheTier() {
        Near under = Near.create(factory, pool);
        heldInTheTier(under, "Flushed");
        double before = flushes(under, "flushall");

        // Redis reports FLUSHALL/FLUSHDB to every tracking client as "everything changed", whatever the database: an
        // empty database of its own flushes the tier without touching what the other tests keep in database 0.
        redis.withConnection(connection -> {
            connection.execute("SELECT", "15");
            connection.execute("FLUSHDB");
        });

        Awaitility.await().atMost(WAIT).until(() -> flushes(under, "flushall") > before);
        assertThat(entries(under)).isZero();
    }

    @Test
    void absentMarkersAreHeldAndDroppedWhenTheRowAppears() {
        Near under = Near.create(factory, pool);
        awaitLive(under);
        long missing = RowTable.missingId();
        assertThat(under.get(missing)).isEmpty();
        assertThat(under.get(missing)).isEmpty();
        double loads = new Metrics(registry).loads(under.name);
        assertThat(under.get(missing)).isEmpty();
        assertThat(new Metrics(registry).loads(under.name)).isEqualTo(loads);
        assertThat(entries(under)).isEqualTo(1);

        under.cache.invalidate(missing).await().atMost(WAIT);

        assertThat(entries(under)).isZero();
    }

    @Test
    void aStressOfReadsAndOutsideWritesNeverLeavesAnOldValueOnceTheInvalidationArrived() {
        Near under = Near.create(factory, pool);
        TestRow row = under.rows.insert("v0");
        awaitLive(under);
        under.get(row.id());
        int stale = 0;
        List<Long> pushDelaysMicros = new ArrayList<>();
        for (int round = 1; round <= 200; round++) {
            List<CompletableFuture<Optional<TestRow>>> readers = new ArrayList<>();
            for (int r = 0; r < 8; r++) {
                readers.add(under.cache.get(row.id()).subscribeAsCompletionStage());
            }
            double before = invalidations(under) + allFlushes(under);
            String value = "{\"id\":" + row.id() + ",\"name\":\"v" + round + "\"}";
            redis.value(String.class).set(under.key(row.id()), value);
            long written = System.nanoTime();
            // The push arrived, or the tier went dark and was flushed (a heartbeat missed under load) meanwhile;
            // spun on rather than polled, so the delay from the SET's reply to the tier's drop is measured too.
            while (invalidations(under) + allFlushes(under) <= before && System.nanoTime() - written < WAIT.toNanos()) {
                Thread.onSpinWait();
            }
            pushDelaysMicros.add((System.nanoTime() - written) / 1000);
            assertThat(invalidations(under) + allFlushes(under)).isGreaterThan(before);
            readers.forEach(CompletableFuture::join);
            if (!under.get(row.id()).map(TestRow::name).orElse("").equals("v" + round)) {
                stale++;
            }
        }
        pushDelaysMicros.sort(Long::compare);
        System.out.printf(
                "near tier: 200 outside SETs, from the SET's reply to the entry dropped: p50=%.3f ms p99=%.3f ms"
                        + " max=%.3f ms; %d rounds stale%n",
                pushDelaysMicros.get(100) / 1000.0,
                pushDelaysMicros.get(197) / 1000.0,
                pushDelaysMicros.get(199) / 1000.0,
                stale);
        assertThat(stale)
                .as("rounds that read an old value after its invalidation arrived")
                .isZero();
        assertThat(nearHits(under)).isPositive();
    }

    @Test
    void aDroppedInvalidationConnectionFlushesTheTierAndItComesBack() {
        Near under = Near.create(factory, pool);
        TestRow row = heldInTheTier(under, "Kept");

        killTrackingConnection(under);

        Awaitility.await().atMost(WAIT).until(() -> flushes(under, "connection_lost") >= 1);
        Awaitility.await().atMost(WAIT).until(() -> flushes(under, "reconnect") >= 1);
        // Live again: a changed entry is still dropped (tracking is back on the new connection).
        under.get(row.id());
        under.get(row.id());
        redis.value(String.class).set(under.key(row.id()), "{\"id\":" + row.id() + ",\"name\":\"Changed\"}");
        Awaitility.await()
                .atMost(WAIT)
                .until(() -> under.get(row.id()).map(TestRow::name).orElse("").equals("Changed"));
    }

    /** A new row, read twice (loaded, then a Redis hit), so the near tier holds it. */
    private TestRow heldInTheTier(Near under, String name) {
        TestRow row = under.rows.insert(name);
        awaitLive(under);
        under.get(row.id());
        under.get(row.id());
        assertThat(entries(under)).isEqualTo(1);
        return row;
    }

    private void awaitLive(Near under) {
        Awaitility.await().atMost(WAIT).until(() -> under.tier().holds(under.key(1)));
    }

    private void killTrackingConnection(Near under) {
        String list = String.valueOf(redis.execute("CLIENT", "LIST"));
        String name = KeyTracking.clientName(under.settings.keyPrefix());
        String id = list.lines()
                .filter(line -> line.contains(" name=" + name + " "))
                .map(line -> line.substring(3, line.indexOf(' ')))
                .findFirst()
                .orElseThrow();
        redis.execute("CLIENT", "KILL", "ID", id);
    }

    private double nearHits(Near under) {
        return new Metrics(registry).gets(under.name, "near_hit");
    }

    private double invalidations(Near under) {
        var counter = registry.find("cache.near.invalidations")
                .tag("cache", under.name)
                .counter();
        return counter == null ? 0 : counter.count();
    }

    private double allFlushes(Near under) {
        return registry.find("cache.near.flushes").tag("cache", under.name).counters().stream()
                .mapToDouble(counter -> counter.count())
                .sum();
    }

    private double flushes(Near under, String reason) {
        var counter = registry.find("cache.near.flushes")
                .tag("cache", under.name)
                .tag("reason", reason)
                .counter();
        return counter == null ? 0 : counter.count();
    }

    private double entries(Near under) {
        under.tier().size();
        Gauge gauge =
                registry.find("cache.near.entries").tag("cache", under.name).gauge();
        return gauge == null ? -1 : gauge.value();
    }

    /** A cache-aside cache of a test's own with a near tier. */
    private record Near(String name, CacheAsideSettings settings, RowTable rows, CacheAside<Long, TestRow> cache) {

        static Near create(CacheAsideFactory factory, Pool pool) {
            TestCacheName unique = TestCacheName.unique("near");
            CacheAsideSettings settings =
                    new NearAsideSettings(TestAsideSettings.defaults(unique.keyPrefix()), TestNearSettings.on());
            RowTable rows = RowTable.in(pool);
            return new Near(
                    unique.name(),
                    settings,
                    rows,
                    factory.create(unique.name(), settings, TestRow.class, rows, String::valueOf));
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
    }
}
