package dev.cachepatterns.inventory;

import java.time.Duration;
import java.util.UUID;

import jakarta.inject.Inject;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import org.junit.jupiter.api.Test;

import dev.cachepatterns.support.OwnRedisProfile;
import dev.cachepatterns.support.OwnRedisResource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/**
 * A reservation's key is recorded in its own Postgres transaction, so a retry stays safe when Redis forgets the stored
 * outcome: Redis restarted empty between attempt and retry, or down during both. The retry takes no stock again and
 * answers the recorded outcome ({@code Cache-Write: unconfirmed}: the record does not know what the first attempt did
 * to the cache).
 */
@QuarkusTest
@TestProfile(OwnRedisProfile.class)
class InventoryIdempotencyRedisRestartTest {

    @Inject
    Pool pool;

    private int stock(String sku) {
        return pool.preparedQuery("SELECT quantity FROM inventory WHERE sku = $1")
                .execute(Tuple.of(sku))
                .await()
                .atMost(Duration.ofSeconds(10))
                .iterator()
                .next()
                .getInteger(0);
    }

    @Test
    void aRetryAfterRedisRestartedEmptyTakesNoStockAgain() {
        String sku = InventoryApi.uniqueSku("IDEM-RESTART");
        InventoryApi.put(sku, "Mug", 10).statusCode(200);
        String key = UUID.randomUUID().toString();
        String first = InventoryIdempotencyTest.reserve(sku, 2, key)
                .statusCode(200)
                .extract()
                .asString();

        OwnRedisResource.server().stopAndWipe();
        OwnRedisResource.server().start();

        String retried = InventoryIdempotencyTest.reserve(sku, 2, key)
                .statusCode(200)
                .header("Idempotent-Replayed", "true")
                .header("Cache-Write", "unconfirmed")
                .extract()
                .asString();
        assertThat(retried).isEqualTo(first);
        assertThat(stock(sku)).isEqualTo(8);
        // Another key is another reservation.
        InventoryIdempotencyTest.reserve(sku, 2, UUID.randomUUID().toString())
                .statusCode(200)
                .body("quantity", equalTo(6));
    }

    @Test
    void whileRedisIsDownAKeyedReservationRunsOnItsLedgerAndItsRetryTakesNothing() {
        String sku = InventoryApi.uniqueSku("IDEM-DOWN");
        InventoryApi.put(sku, "Mug", 10).statusCode(200);
        String key = UUID.randomUUID().toString();

        OwnRedisResource.server().stop();
        try {
            String first = InventoryIdempotencyTest.reserve(sku, 3, key)
                    .statusCode(200)
                    .body("quantity", equalTo(7))
                    .extract()
                    .asString();
            String retried = InventoryIdempotencyTest.reserve(sku, 3, key)
                    .statusCode(200)
                    .header("Idempotent-Replayed", "true")
                    .extract()
                    .asString();
            assertThat(retried).isEqualTo(first);
            InventoryIdempotencyTest.reserve(sku, 4, key).statusCode(422);
        } finally {
            OwnRedisResource.server().start();
        }
        assertThat(stock(sku)).isEqualTo(7);
    }
}
