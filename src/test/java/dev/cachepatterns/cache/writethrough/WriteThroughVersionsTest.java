package dev.cachepatterns.cache.writethrough;

import java.time.Duration;
import java.util.Map;

import jakarta.inject.Inject;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import org.junit.jupiter.api.Test;

import dev.cachepatterns.support.Metrics;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Write-through stores versions with compare-and-set: a write answers {@code stored} only once Redis holds its committed
 * version (within the TTL bounds), reads are then Redis hits with no load, and a value with an older version never
 * replaces a newer one, whether it comes from a write or from a read's fill; the "absent" entry of a missing id is
 * replaced by its first write. With the cache switched off, writes report {@code disabled} and Redis is left alone.
 */
@QuarkusTest
class WriteThroughVersionsTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    WriteThroughFactory factory;

    @Inject
    Pool pool;

    @Inject
    RedisDataSource redis;

    @Inject
    MeterRegistry registry;

    @Test
    void aWriteAnswersOnceRedisHoldsItsVersionAndReadsAreThenHits() {
        ThroughUnderTest under = ThroughUnderTest.create(factory, pool);
        Metrics metrics = new Metrics(registry);
        String id = ItemTable.uniqueId("put");

        Written<TestItem> first = write(under, id, "Widget");

        assertThat(first).isEqualTo(new Written<>(new TestItem(id, "Widget", 1), CacheWrite.STORED));
        assertThat(under.entry(redis, id)).containsEntry("v", "1");
        assertThat(under.entry(redis, id).get("json")).contains("\"name\":\"Widget\"");

        assertThat(write(under, id, "Widget v2").value().version()).isEqualTo(2);
        assertThat(under.entry(redis, id)).containsEntry("v", "2");
        long ttlMax = Math.round(
                under.settings().ttl().toMillis() * (1 + under.settings().ttlJitter()));
        long ttlMin = Math.round(
                under.settings().ttl().toMillis() * (1 - under.settings().ttlJitter()));
        assertThat(redis.key().pttl(under.cache().keyOf(id))).isBetween(ttlMin - 30_000, ttlMax);

        assertThat(under.cache().get(id).await().atMost(WAIT)).contains(new TestItem(id, "Widget v2", 2));
        assertThat(metrics.loads(under.name())).isZero();
        assertThat(metrics.gets(under.name(), "hit")).isEqualTo(1);
        assertThat(under.writes(registry, CacheWrite.STORED)).isEqualTo(2);
        assertThat(under.items().inSource(id)).contains(new TestItem(id, "Widget v2", 2));
    }

    @Test
    void anOlderVersionNeverReplacesANewerOne() {
        ThroughUnderTest under = ThroughUnderTest.create(factory, pool);
        String id = ItemTable.uniqueId("cas");
        write(under, id, "v1");
        write(under, id, "v2");
        Map<String, String> newest = under.entry(redis, id);

        // A write whose committed value is older than the cached one (a writer that lost a race).
        TestItem stale = new TestItem(id, "stale v1", 1);
        Written<TestItem> late =
                under.cache().write(id, Uni.createFrom().item(stale)).await().atMost(WAIT);

        // The entry holds a newer version than the writer's, which counts as stored for it.
        assertThat(late).isEqualTo(new Written<>(stale, CacheWrite.STORED));
        assertThat(under.entry(redis, id)).isEqualTo(newest).containsEntry("v", "2");
        assertThat(under.cache().get(id).await().atMost(WAIT)).contains(new TestItem(id, "v2", 2));
    }

    @Test
    void theAbsentEntryOfAMissingIdIsReplacedByItsFirstWrite() {
        ThroughUnderTest under = ThroughUnderTest.create(factory, pool);
        Metrics metrics = new Metrics(registry);
        String id = ItemTable.uniqueId("late");

        assertThat(under.cache().get(id).await().atMost(WAIT)).isEmpty();
        assertThat(under.cache().get(id).await().atMost(WAIT)).isEmpty();
        assertThat(metrics.loads(under.name())).isEqualTo(1);
        assertThat(metrics.gets(under.name(), "negative_hit")).isEqualTo(1);
        assertThat(under.entry(redis, id)).containsEntry("v", "0").containsEntry("json", "!absent");

        assertThat(write(under, id, "Late").cache()).isEqualTo(CacheWrite.STORED);

        assertThat(under.cache().get(id).await().atMost(WAIT)).contains(new TestItem(id, "Late", 1));
        assertThat(metrics.loads(under.name())).isEqualTo(1);
    }

    @Test
    void aDisabledCacheWritesTheSourceOnlyAndReadsTheLoaderEveryTime() {
        ThroughUnderTest under = ThroughUnderTest.create(factory, pool, settings -> settings.withEnabled(false));
        Metrics metrics = new Metrics(registry);
        String id = ItemTable.uniqueId("off");

        assertThat(write(under, id, "Uncached"))
                .isEqualTo(new Written<>(new TestItem(id, "Uncached", 1), CacheWrite.DISABLED));
        assertThat(under.cache().get(id).await().atMost(WAIT)).contains(new TestItem(id, "Uncached", 1));
        assertThat(under.cache().get(id).await().atMost(WAIT)).contains(new TestItem(id, "Uncached", 1));

        assertThat(metrics.loads(under.name())).isEqualTo(2);
        assertThat(redis.key().exists(under.cache().keyOf(id))).isFalse();
        assertThat(under.writes(registry, CacheWrite.DISABLED)).isEqualTo(1);
    }

    private static Written<TestItem> write(ThroughUnderTest under, String id, String name) {
        return under.cache().write(id, under.items().upsert(id, name)).await().atMost(WAIT);
    }
}
