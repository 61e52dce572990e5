package dev.cachepatterns.cache.aside;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import jakarta.inject.Inject;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.cachepatterns.support.Metrics;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Cache-aside reads the database once per cold key: a miss is loaded and filled, the next read of the key is a Redis
 * hit with no load (also as raw JSON), 200 concurrent reads of one cold key share a single load, and a bulk read loads
 * only its misses, in one call with the ids in the order asked, remembering the ids the database does not have. With
 * the cache switched off every read goes to the loader and Redis is left alone.
 */
@QuarkusTest
class CacheAsideLoadTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    CacheAsideFactory factory;

    @Inject
    Pool pool;

    @Inject
    RedisDataSource redis;

    @Inject
    MeterRegistry registry;

    @Inject
    Vertx vertx;

    @Test
    void aMissIsLoadedOnceAndTheNextReadIsAHitWithoutALoad() {
        AsideUnderTest under = AsideUnderTest.create(factory, pool);
        Metrics metrics = new Metrics(registry);
        TestRow ada = under.rows().insert("Ada");

        assertThat(under.cache().get(ada.id()).await().atMost(WAIT)).contains(ada);
        assertThat(metrics.loads(under.name())).isEqualTo(1);
        assertThat(metrics.gets(under.name(), "miss")).isEqualTo(1);
        String stored = redis.value(String.class).get(under.key(ada.id()));
        assertThat(stored).contains("\"name\":\"Ada\"");

        assertThat(under.cache().get(ada.id()).await().atMost(WAIT)).contains(ada);
        assertThat(under.cache().getJson(ada.id()).await().atMost(WAIT)).contains(stored);
        assertThat(metrics.loads(under.name())).isEqualTo(1);
        assertThat(metrics.gets(under.name(), "hit")).isEqualTo(2);
        assertThat(under.rows().singleLoads()).isEqualTo(1);
    }

    @Test
    void twoHundredConcurrentReadsOfAColdKeyMakeOneLoad() throws Exception {
        AsideUnderTest under = AsideUnderTest.create(factory, pool);
        Metrics metrics = new Metrics(registry);
        TestRow row = under.rows().insert("Stampede");
        // The load is held until all 200 reads are subscribed, so every one of them meets the cold key.
        CompletableFuture<Void> release = new CompletableFuture<>();
        under.rows().holdLoadsUntil(release);

        ConcurrentCalls<Optional<TestRow>> reads =
                ConcurrentCalls.start(vertx, 200, () -> under.cache().get(row.id()));
        Awaitility.await().atMost(WAIT).until(reads::allSubscribed);
        Awaitility.await().atMost(WAIT).until(() -> under.rows().singleLoads() == 1);
        release.complete(null);

        assertThat(reads.join(WAIT))
                .hasSize(200)
                .allSatisfy(read -> assertThat(read).contains(row));
        assertThat(metrics.loads(under.name())).isEqualTo(1);
        assertThat(under.rows().singleLoads()).isEqualTo(1);
        assertThat(redis.value(String.class).get(under.key(row.id()))).contains("\"name\":\"Stampede\"");
        // The loader gave its cross-instance lock back once the entry was filled.
        assertThat(redis.key().exists(under.lockKey(row.id()))).isFalse();
    }

    @Test
    void aBulkReadLoadsOnlyItsMissesInOneCallAndRemembersTheAbsentIds() {
        AsideUnderTest under = AsideUnderTest.create(factory, pool);
        Metrics metrics = new Metrics(registry);
        TestRow a = under.rows().insert("Bulk A");
        TestRow b = under.rows().insert("Bulk B");
        TestRow c = under.rows().insert("Bulk C");
        long missing = RowTable.missingId();
        under.cache().get(b.id()).await().atMost(WAIT); // b is cached, a and c are not

        Map<Long, TestRow> found = under.cache()
                .getAll(List.of(c.id(), missing, a.id(), b.id(), c.id()))
                .await()
                .atMost(WAIT);

        assertThat(found).isEqualTo(Map.of(a.id(), a, b.id(), b, c.id(), c));
        assertThat(under.rows().bulkLoads()).containsExactly(List.of(c.id(), missing, a.id()));
        assertThat(metrics.loads(under.name())).isEqualTo(2); // the single read of b, then one bulk load
        assertThat(redis.value(String.class).get(under.key(missing))).isEqualTo("!absent");
        assertThat(redis.value(String.class).get(under.key(a.id()))).contains("\"name\":\"Bulk A\"");
        assertThat(redis.value(String.class).get(under.key(c.id()))).contains("\"name\":\"Bulk C\"");

        Map<Long, TestRow> again = under.cache()
                .getAll(List.of(a.id(), b.id(), c.id(), missing))
                .await()
                .atMost(WAIT);

        assertThat(again).isEqualTo(found);
        assertThat(under.rows().bulkLoads()).hasSize(1);
        assertThat(metrics.loads(under.name())).isEqualTo(2);
        assertThat(metrics.gets(under.name(), "negative_hit")).isEqualTo(1);
        assertThat(under.cache().getAll(List.of()).await().atMost(WAIT)).isEmpty();
    }

    @Test
    void aDisabledCacheReadsTheLoaderEveryTimeAndLeavesRedisAlone() {
        AsideUnderTest under = AsideUnderTest.create(factory, pool, settings -> settings.withEnabled(false));
        Metrics metrics = new Metrics(registry);
        TestRow row = under.rows().insert("Uncached");

        for (int i = 0; i < 3; i++) {
            assertThat(under.cache().get(row.id()).await().atMost(WAIT)).contains(row);
        }
        assertThat(under.cache().getAll(List.of(row.id())).await().atMost(WAIT)).containsEntry(row.id(), row);
        under.cache().invalidate(row.id()).await().atMost(WAIT);

        assertThat(metrics.loads(under.name())).isEqualTo(4);
        assertThat(redis.key().exists(under.key(row.id()))).isFalse();
    }
}
