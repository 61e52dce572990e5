package dev.cachepatterns.inventory;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import dev.cachepatterns.support.OwnPostgresResource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

/** A PostgreSQL of the test's own is stopped: writes answer 503 and leave the cache exactly as it was. */
@QuarkusTest
@TestProfile(InventoryPostgresOutageTest.OwnPostgres.class)
class InventoryPostgresOutageTest {

    public static class OwnPostgres implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(OwnPostgresResource.class));
        }
    }

    @Inject
    RedisDataSource redis;

    @ConfigProperty(name = "cache.inventory.key-prefix")
    String keyPrefix;

    @Test
    void writesAnswer503AndLeaveTheCacheUnchangedWhilePostgresIsDown() {
        String sku = InventoryApi.uniqueSku("PGDOWN");
        InventoryApi.put(sku, "Before", 10).statusCode(200).header("Cache-Write", "stored");
        String key = keyPrefix + ":" + sku;
        Map<String, String> before = redis.hash(String.class).hgetall(key);
        assertThat(before).containsEntry("v", "1");

        OwnPostgresResource.server().stop();
        try {
            InventoryApi.put(sku, "During", 99)
                    .statusCode(503)
                    .contentType("application/problem+json")
                    .header("Retry-After", notNullValue())
                    .body("detail", equalTo("The database is unavailable; retry shortly."));
            InventoryApi.reserve(sku, 1).statusCode(503).contentType("application/problem+json");
            assertThat(redis.hash(String.class).hgetall(key)).isEqualTo(before);

            // Reads are still served from Redis: the last successful write.
            InventoryApi.get(sku)
                    .statusCode(200)
                    .body("name", equalTo("Before"))
                    .body("version", equalTo(1));
            // A key that is not cached needs the database: 503, not 500.
            InventoryApi.get(InventoryApi.uniqueSku("UNCACHED")).statusCode(503);
        } finally {
            OwnPostgresResource.server().start();
        }

        Awaitility.await()
                .atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(250))
                .untilAsserted(() -> InventoryApi.put(sku, "After", 20).statusCode(200));
        InventoryApi.get(sku).statusCode(200).body("name", equalTo("After")).body("version", equalTo(2));
    }
}
