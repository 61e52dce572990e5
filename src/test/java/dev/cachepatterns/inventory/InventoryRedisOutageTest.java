package dev.cachepatterns.inventory;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import dev.cachepatterns.support.Metrics;
import dev.cachepatterns.support.RedisServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/**
 * A Redis of the test's own, with an append-only file, is killed: writes still commit and say so, reads fall back to
 * Postgres, and when Redis comes back with the entry from before the writes, that older value is never served.
 */
@QuarkusTest
@TestProfile(InventoryRedisOutageTest.PersistentRedis.class)
class InventoryRedisOutageTest {

    public static class PersistentRedis implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(PersistentRedisResource.class));
        }
    }

    /** Its own redis-server that keeps its data across a kill (appendfsync always), unlike the shared one. */
    public static class PersistentRedisResource implements QuarkusTestResourceLifecycleManager {
        static volatile RedisServer server;

        @Override
        public Map<String, String> start() {
            server = new RedisServer(List.of("--appendonly", "yes", "--appendfsync", "always")).start();
            return Map.of("quarkus.redis.hosts", server.uri());
        }

        @Override
        public void stop() {
            if (server != null) {
                server.stop();
            }
        }
    }

    @Inject
    MeterRegistry registry;

    @Inject
    RedisDataSource redis;

    @ConfigProperty(name = "cache.inventory.key-prefix")
    String keyPrefix;

    @Inject
    InventoryRepository repository;

    @Test
    void writesCommitWhileRedisIsDownAndTheOlderEntryIsNeverServedWhenRedisReturns() {
        Metrics metrics = new Metrics(registry);
        String sku = InventoryApi.uniqueSku("REDISDOWN");
        String key = keyPrefix + ":" + sku;
        InventoryApi.put(sku, "Before", 10).statusCode(200).header("Cache-Write", "stored");
        assertThat(redis.hash(String.class).hgetall(key)).containsEntry("v", "1");

        PersistentRedisResource.server.stop();

        InventoryApi.put(sku, "During", 7)
                .statusCode(200)
                .header("Cache-Write", "unconfirmed")
                .body("quantity", equalTo(7))
                .body("version", equalTo(2));
        InventoryApi.reserve(sku, 2)
                .statusCode(200)
                .header("Cache-Write", "unconfirmed")
                .body("quantity", equalTo(5))
                .body("version", equalTo(3));
        assertThat(repository.load(sku).await().atMost(Duration.ofSeconds(5)))
                .contains(new InventoryItem(sku, "During", 5, 3));
        assertThat(metrics.untrustedKeys("inventory")).isPositive();

        double fallbacksBefore = metrics.fallbacks("inventory");
        InventoryApi.get(sku).statusCode(200).body("quantity", equalTo(5)).body("version", equalTo(3));
        assertThat(metrics.fallbacks("inventory")).isGreaterThan(fallbacksBefore);

        // Redis returns with the entry of version 1 (quantity 10) from its append-only file.
        PersistentRedisResource.server.start();

        // Every read until and after the repair answers with the committed version, never the one Redis came back with.
        Awaitility.await()
                .atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> {
                    InventoryApi.get(sku)
                            .statusCode(200)
                            .body("quantity", equalTo(5))
                            .body("version", equalTo(3));
                    assertThat(metrics.untrustedKeys("inventory")).isZero();
                });
        // The repair invalidated the old entry, so the next read loaded v3 from Postgres and filled it.
        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            InventoryApi.get(sku).statusCode(200).body("version", equalTo(3));
            assertThat(redis.hash(String.class).hgetall(key)).containsEntry("v", "3");
            assertThat(redis.hash(String.class).hget(key, "json")).contains("\"quantity\":5");
        });

        InventoryApi.put(sku, "After", 4).statusCode(200).header("Cache-Write", "stored");
        assertThat(redis.hash(String.class).hgetall(key)).containsEntry("v", "4");
    }
}
