package dev.cachepatterns.cache.aside;

import java.time.Duration;

import jakarta.inject.Inject;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.cachepatterns.support.Metrics;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Cache-aside remembers that the database has no row for an id: repeated reads of a missing id cost one load and are
 * then answered by the "absent" marker, until the negative TTL has passed and the next read asks the database again.
 * A row deleted from the database is read as absent once its entry is evicted.
 */
@QuarkusTest
class CacheAsideNegativeCachingTest {

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
    void aMissingIdIsLoadedOnceUntilTheNegativeTtlPasses() {
        AsideUnderTest under = AsideUnderTest.create(factory, pool);
        Metrics metrics = new Metrics(registry);
        long missing = RowTable.missingId();

        for (int i = 0; i < 5; i++) {
            assertThat(under.cache().get(missing).await().atMost(WAIT)).isEmpty();
        }
        assertThat(metrics.loads(under.name())).isEqualTo(1);
        assertThat(metrics.gets(under.name(), "negative_hit")).isEqualTo(4);
        assertThat(redis.value(String.class).get(under.key(missing))).isEqualTo("!absent");
        long negativeMax = Math.round(under.settings().negativeTtl().toMillis()
                * (1 + under.settings().ttlJitter()));
        assertThat(redis.key().pttl(under.key(missing))).isBetween(-2L, negativeMax);

        // The marker expires with the (short) negative TTL; then the next read asks the database again.
        Awaitility.await().atMost(WAIT).until(() -> !redis.key().exists(under.key(missing)));
        assertThat(under.cache().get(missing).await().atMost(WAIT)).isEmpty();
        assertThat(metrics.loads(under.name())).isEqualTo(2);
        assertThat(redis.value(String.class).get(under.key(missing))).isEqualTo("!absent");
    }

    @Test
    void aDeletedRowIsReadAsAbsentOnceItsEntryIsEvicted() {
        AsideUnderTest under = AsideUnderTest.create(factory, pool);
        Metrics metrics = new Metrics(registry);
        TestRow row = under.rows().insert("Linus");
        under.cache().get(row.id()).await().atMost(WAIT);

        under.rows().delete(row.id());
        under.cache().evict(row.id()).await().atMost(WAIT);

        assertThat(under.cache().get(row.id()).await().atMost(WAIT)).isEmpty();
        assertThat(under.cache().get(row.id()).await().atMost(WAIT)).isEmpty();
        assertThat(metrics.loads(under.name())).isEqualTo(2);
        assertThat(metrics.gets(under.name(), "negative_hit")).isEqualTo(1);
    }
}
