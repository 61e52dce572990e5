package dev.cachepatterns.inventory;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.cachepatterns.faults.FaultServers;
import dev.cachepatterns.faults.FaultsProfile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/**
 * The reply lost between Postgres and the service: the reservation's COMMIT reaches Postgres, its answer does not (the
 * proxy in front of the test's own Postgres holds it back and the connection is cut). The service cannot know whether
 * it committed and answers 503; the client retries with its key, and the key's row, committed with the decrement,
 * answers: 200 with the reservation's outcome, no second decrement. Without a key this is the unknown outcome that
 * docs/failure-modes.md lists under Limits.
 */
@QuarkusTest
@TestProfile(InventoryIdempotencyLostCommitTest.SlowPostgres.class)
class InventoryIdempotencyLostCommitTest {

    /** The fault servers, with a call deadline long enough for a transaction at 300 ms each way. */
    public static class SlowPostgres extends FaultsProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> config = new HashMap<>(super.getConfigOverrides());
            config.put("cache.source.deadline", "15s");
            return config;
        }
    }

    @TestHTTPResource("/")
    URI root;

    /** Read directly, not through the proxy the service uses. */
    private static int stock(String sku) throws Exception {
        try (Connection connection = DriverManager.getConnection(
                        "jdbc:" + FaultServers.postgres().reactiveUrl(), "postgres", "");
                PreparedStatement query = connection.prepareStatement("SELECT quantity FROM inventory WHERE sku = ?")) {
            query.setString(1, sku);
            try (ResultSet rows = query.executeQuery()) {
                rows.next();
                return rows.getInt(1);
            }
        }
    }

    @Test
    void aRetryAfterTheCommitsAnswerWasLostTakesNoStockAgain() throws Exception {
        String sku = InventoryApi.uniqueSku("IDEM-COMMIT");
        InventoryApi.put(sku, "Mug", 10).statusCode(200);
        String key = UUID.randomUUID().toString();

        CompletableFuture<HttpResponse<String>> first;
        try {
            FaultServers.postgresProxy().latency(300);
            first = HttpClient.newHttpClient()
                    .sendAsync(
                            InventoryIdempotencyTest.reservation(root, sku, 2)
                                    .header("Idempotency-Key", key)
                                    .timeout(Duration.ofSeconds(30))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            // Committed in Postgres; the answer to COMMIT is still in the proxy's delay line.
            Awaitility.await()
                    .pollInterval(Duration.ofMillis(20))
                    .atMost(Duration.ofSeconds(15))
                    .until(() -> stock(sku) == 8);
            FaultServers.postgresProxy().cutAll();
        } finally {
            FaultServers.postgresProxy().heal();
        }

        HttpResponse<String> lost = first.get(30, TimeUnit.SECONDS);
        assertThat(lost.statusCode()).as(lost.body()).isEqualTo(503);

        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> InventoryIdempotencyTest.reserve(sku, 2, key)
                        .statusCode(200)
                        .header("Idempotent-Replayed", "true")
                        .body("quantity", equalTo(8)));
        assertThat(stock(sku)).isEqualTo(8);
    }
}
