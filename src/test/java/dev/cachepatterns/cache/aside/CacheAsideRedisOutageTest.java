package dev.cachepatterns.cache.aside;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import jakarta.inject.Inject;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.mutiny.sqlclient.Pool;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.cachepatterns.cache.redis.CircuitBreaker;
import dev.cachepatterns.cache.redis.RedisGuard;
import dev.cachepatterns.support.Metrics;
import dev.cachepatterns.support.OwnRedisProfile;
import dev.cachepatterns.support.OwnRedisResource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Cache-aside never turns a Redis outage into a failed read: with the application's Redis (a server of the test's own)
 * killed, every read, bulk read and raw-JSON read is answered by the loader within a bound (the Redis time-out, then
 * the open circuit, instead of a hang), each counted as a fallback; the circuit opens; invalidations that cannot reach
 * Redis complete and are counted. When Redis comes back, reads fill and hit it again without restarting the
 * application, and the circuit closes.
 */
@QuarkusTest
@TestProfile(OwnRedisProfile.class)
class CacheAsideRedisOutageTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    // Far above the Redis time-out (250 ms) plus a database read, far below a hang.
    private static final Duration READ_BOUND = Duration.ofSeconds(5);

    @Inject
    CacheAsideFactory factory;

    @Inject
    Pool pool;

    @Inject
    MeterRegistry registry;

    @Inject
    RedisGuard guard;

    @Test
    void readsAreServedByTheLoaderWhileRedisIsDownAndTheCacheRecoversWhenItReturns() {
        AsideUnderTest under = AsideUnderTest.create(factory, pool);
        Metrics metrics = new Metrics(registry);
        List<TestRow> rows = IntStream.range(0, 5)
                .mapToObj(i -> under.rows().insert("Outage" + i))
                .toList();
        rows.forEach(row -> under.cache().get(row.id()).await().atMost(WAIT));

        OwnRedisResource.server().stop();
        double loadsBefore = metrics.loads(under.name());
        double fallbacksBefore = metrics.fallbacks(under.name());

        for (int round = 0; round < 4; round++) {
            for (TestRow row : rows) {
                assertThat(under.cache().get(row.id()).await().atMost(READ_BOUND))
                        .contains(row);
            }
        }
        assertThat(metrics.loads(under.name())).isEqualTo(loadsBefore + 20);
        assertThat(metrics.fallbacks(under.name())).isEqualTo(fallbacksBefore + 20);

        Map<Long, TestRow> bulk = under.cache()
                .getAll(List.of(rows.get(0).id(), rows.get(1).id()))
                .await()
                .atMost(READ_BOUND);
        assertThat(bulk)
                .isEqualTo(Map.of(rows.get(0).id(), rows.get(0), rows.get(1).id(), rows.get(1)));
        assertThat(under.cache().getJson(rows.get(2).id()).await().atMost(READ_BOUND))
                .hasValueSatisfying(json -> assertThat(json).contains("\"name\":\"Outage2\""));
        assertThat(metrics.loads(under.name())).isEqualTo(loadsBefore + 22);
        assertThat(metrics.fallbacks(under.name())).isEqualTo(fallbacksBefore + 22);

        // The circuit opened, so reads skip Redis. On a slow machine the reads above can outlast cache.redis.open-for,
        // and it is then half-open (waiting for its probe): both mean "opened".
        assertThat(guard.circuitState()).isIn(CircuitBreaker.State.OPEN, CircuitBreaker.State.HALF_OPEN);

        under.cache().evict(rows.get(3).id()).await().atMost(READ_BOUND);
        under.cache().invalidate(rows.get(4).id()).await().atMost(READ_BOUND);
        assertThat(invalidationFailures(under.name())).isEqualTo(2);

        OwnRedisResource.server().start();

        // No restart: once the circuit lets a probe through, a read fills the (empty) Redis and the next one hits it.
        long id = rows.get(0).id();
        Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            double hitsBefore = metrics.gets(under.name(), "hit");
            assertThat(under.cache().get(id).await().atMost(READ_BOUND)).contains(rows.get(0));
            assertThat(under.cache().get(id).await().atMost(READ_BOUND)).contains(rows.get(0));
            assertThat(metrics.gets(under.name(), "hit")).isGreaterThan(hitsBefore);
        });
        assertThat(guard.circuitState()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    private double invalidationFailures(String cache) {
        Counter counter =
                registry.find("cache.invalidation.failures").tag("cache", cache).counter();
        return counter == null ? 0 : counter.count();
    }
}
