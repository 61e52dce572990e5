package dev.cachepatterns.cache.aside;

import java.time.Duration;

import jakarta.inject.Inject;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import org.junit.jupiter.api.Test;

import dev.cachepatterns.support.Metrics;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a service's write path relies on: until it invalidates, cache-aside keeps serving the cached value; once {@code
 * invalidate} returns, the entry holds the committed value (re-warmed, so the next read is a hit) or, without
 * re-warming, is gone so the next read loads it; {@code evict} removes the entry without loading anything.
 */
@QuarkusTest
class CacheAsideInvalidationTest {

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
    void invalidateRewarmsTheEntryWithTheCommittedValue() {
        AsideUnderTest under = AsideUnderTest.create(factory, pool);
        Metrics metrics = new Metrics(registry);
        TestRow grace = under.rows().insert("Grace");
        under.cache().get(grace.id()).await().atMost(WAIT);

        TestRow renamed = under.rows().rename(grace.id(), "Grace Hopper");
        // Cache-aside: a write the cache was not told about is not seen until the entry goes.
        assertThat(under.cache().get(grace.id()).await().atMost(WAIT)).contains(grace);

        under.cache().invalidate(grace.id()).await().atMost(WAIT);

        assertThat(redis.value(String.class).get(under.key(grace.id()))).contains("\"name\":\"Grace Hopper\"");
        assertThat(redis.key().pttl(under.key(grace.id()))).isPositive();
        assertThat(metrics.loads(under.name())).isEqualTo(2); // the first read, then the re-warm
        assertThat(under.cache().get(grace.id()).await().atMost(WAIT)).contains(renamed);
        assertThat(metrics.loads(under.name())).isEqualTo(2);
    }

    @Test
    void withoutRewarmInvalidateRemovesTheEntryAndTheNextReadLoadsTheCommittedValue() {
        AsideUnderTest under = AsideUnderTest.create(factory, pool, settings -> settings.withRewarmOnWrite(false));
        Metrics metrics = new Metrics(registry);
        TestRow row = under.rows().insert("Before");
        under.cache().get(row.id()).await().atMost(WAIT);
        TestRow renamed = under.rows().rename(row.id(), "After");

        under.cache().invalidate(row.id()).await().atMost(WAIT);

        assertThat(redis.key().exists(under.key(row.id()))).isFalse();
        assertThat(metrics.loads(under.name())).isEqualTo(1);
        assertThat(under.cache().get(row.id()).await().atMost(WAIT)).contains(renamed);
        assertThat(metrics.loads(under.name())).isEqualTo(2);
    }

    @Test
    void evictRemovesTheEntryWithoutLoadingAndNeverFails() {
        AsideUnderTest under = AsideUnderTest.create(factory, pool);
        Metrics metrics = new Metrics(registry);
        TestRow row = under.rows().insert("Evicted");
        under.cache().get(row.id()).await().atMost(WAIT);

        under.cache().evict(row.id()).await().atMost(WAIT);
        under.cache().evict(RowTable.missingId()).await().atMost(WAIT);

        assertThat(redis.key().exists(under.key(row.id()))).isFalse();
        assertThat(metrics.loads(under.name())).isEqualTo(1);
        assertThat(under.cache().get(row.id()).await().atMost(WAIT)).contains(row);
        assertThat(metrics.loads(under.name())).isEqualTo(2);
    }
}
