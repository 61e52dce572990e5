package dev.cachepatterns.cache.aside;

import java.time.Duration;
import java.util.List;
import java.util.LongSummaryStatistics;
import java.util.stream.IntStream;

import jakarta.inject.Inject;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import org.junit.jupiter.api.Test;

import dev.cachepatterns.cache.core.TtlPolicy;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Cache-aside entries expire within {@code ttl × (1 ± ttl-jitter)} of their fill, and entries filled together are
 * spread over that window rather than expiring together (no synchronized expiry, no stampede one TTL later). Absent
 * markers follow the negative TTL the same way.
 */
@QuarkusTest
class CacheAsideTtlTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    // The time between a fill and the PTTL that reads it back, on a loaded machine.
    private static final long READ_BACK_SLACK_MILLIS = 30_000;

    @Inject
    CacheAsideFactory factory;

    @Inject
    Pool pool;

    @Inject
    RedisDataSource redis;

    @Test
    void entriesExpireWithinTheJitterBoundsAndSpreadOverThem() {
        AsideUnderTest under = AsideUnderTest.create(factory, pool);
        TestAsideSettings settings = under.settings();
        assertThat(under.cache().ttlPolicy()).isEqualTo(new TtlPolicy(settings.ttl(), settings.ttlJitter()));

        List<Long> ttls = IntStream.range(0, 20)
                .mapToObj(i -> {
                    TestRow row = under.rows().insert("Jitter" + i);
                    under.cache().get(row.id()).await().atMost(WAIT);
                    return redis.key().pttl(under.key(row.id()));
                })
                .toList();

        assertSpreadWithin(ttls, settings.ttl(), settings.ttlJitter());
    }

    @Test
    void absentMarkersExpireWithinTheNegativeTtlBounds() {
        AsideUnderTest under =
                AsideUnderTest.create(factory, pool, settings -> settings.withNegativeTtl(Duration.ofMinutes(5)));

        List<Long> ttls = IntStream.range(0, 20)
                .mapToObj(i -> {
                    long missing = RowTable.missingId();
                    assertThat(under.cache().get(missing).await().atMost(WAIT)).isEmpty();
                    return redis.key().pttl(under.key(missing));
                })
                .toList();

        assertSpreadWithin(
                ttls, under.settings().negativeTtl(), under.settings().ttlJitter());
    }

    private static void assertSpreadWithin(List<Long> ttls, Duration base, double jitter) {
        long min = Math.round(base.toMillis() * (1 - jitter));
        long max = Math.round(base.toMillis() * (1 + jitter));
        assertThat(min).isPositive().isLessThan(base.toMillis());
        assertThat(ttls).allSatisfy(ttl -> assertThat(ttl).isBetween(min - READ_BACK_SLACK_MILLIS, max));
        // 20 draws spread uniformly over the window cover far more than a quarter of it; without jitter they would
        // differ only by the few milliseconds between the reads.
        LongSummaryStatistics spread = ttls.stream().mapToLong(Long::longValue).summaryStatistics();
        assertThat(spread.getMax() - spread.getMin()).isGreaterThan((max - min) / 4);
    }
}
