package dev.cachepatterns.platform;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.cachepatterns.cache.aside.CacheAside;
import dev.cachepatterns.cache.aside.CacheAsideFactory;
import dev.cachepatterns.support.Management;
import dev.cachepatterns.support.MemoryCache;
import dev.cachepatterns.support.RedisServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Redis server's INFO statistics show up on /q/metrics under the names the dashboards and alert rules use, with
 * the values of the Redis the service talks to (its own here, with a known maxmemory), and go blank rather than stale
 * while that Redis is down.
 */
@QuarkusTest
@TestProfile(RedisInfoMetricsTest.LimitedRedis.class)
class RedisInfoMetricsTest {

    static final long MAX_MEMORY = 64L * 1024 * 1024;

    public static class LimitedRedis implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(LimitedRedisResource.class));
        }
    }

    public static class LimitedRedisResource implements QuarkusTestResourceLifecycleManager {
        static volatile RedisServer server;

        @Override
        public Map<String, String> start() {
            server = new RedisServer(
                            List.of("--maxmemory", String.valueOf(MAX_MEMORY), "--maxmemory-policy", "volatile-lru"))
                    .start();
            return Map.of("quarkus.redis.hosts", server.uri());
        }

        @Override
        public void stop() {
            server.stop();
        }
    }

    @Inject
    CacheAsideFactory caches;

    @Test
    void redisServerStatisticsAreExposedWithPlausibleValues() {
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .ignoreExceptions()
                .until(() -> !Double.isNaN(PrometheusText.value("redis_memory_used_bytes")));

        String text = PrometheusText.scrape();
        assertThat(PrometheusText.sample(text, "redis_memory_used_bytes").orElseThrow())
                .isGreaterThan(100_000)
                .isLessThan(MAX_MEMORY);
        assertThat(PrometheusText.sample(text, "redis_memory_max_bytes").orElseThrow())
                .isEqualTo(MAX_MEMORY);
        assertThat(PrometheusText.sample(text, "redis_connected_clients").orElseThrow())
                .isGreaterThanOrEqualTo(1);
        assertThat(PrometheusText.sample(text, "redis_evicted_keys_total").orElseThrow())
                .isZero();
        assertThat(PrometheusText.sample(text, "redis_keyspace_misses_total")).isPresent();
        double hitsBefore =
                PrometheusText.sample(text, "redis_keyspace_hits_total").orElseThrow();

        // A cache hit of the service is a keyspace hit on the server.
        CacheAside<Long, String> cache = MemoryCache.create(caches, "info-test");
        cache.get(3L).await().atMost(Duration.ofSeconds(5));
        cache.get(3L).await().atMost(Duration.ofSeconds(5));
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(PrometheusText.value("redis_keyspace_hits_total"))
                        .isGreaterThan(hitsBefore));
    }

    @Test
    void gaugesGoBlankWhileRedisIsDownAndComeBackAfter() {
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .ignoreExceptions()
                .until(() -> !Double.isNaN(PrometheusText.value("redis_memory_used_bytes")));
        RedisServer server = LimitedRedisResource.server;
        server.stop();
        try {
            Awaitility.await()
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> Double.isNaN(PrometheusText.value("redis_memory_used_bytes")));
            // Counters never go blank: a NaN would break rate() in every query over them.
            assertThat(PrometheusText.value("redis_keyspace_hits_total")).isNotNaN();
            // Metrics still answer while Redis is down, and so does the API.
            Management.given().get("/q/health/ready").then().statusCode(200);
        } finally {
            server.start();
        }
        Awaitility.await()
                .atMost(Duration.ofSeconds(20))
                .until(() -> PrometheusText.value("redis_memory_max_bytes") == MAX_MEMORY);
    }
}
