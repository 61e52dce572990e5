package dev.cachepatterns.inventory;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import dev.cachepatterns.support.DuplicateReplies;
import dev.cachepatterns.support.PackagedApp;
import dev.cachepatterns.support.TwoInstances;
import dev.cachepatterns.support.auth.Tokens;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code Idempotency-Key} across instances ({@link TwoInstances}: two packaged apps on one Redis and one Postgres): a
 * reservation applied on A and retried on B gets A's answer and takes no stock again, and duplicates sent to both at
 * once apply once. Run by failsafe in {@code ./mvnw verify}; skipped without the jar.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InventoryIdempotencyTwoInstancesPackagedIT {

    private TwoInstances two;

    @BeforeAll
    void startTwoInstances() throws Exception {
        Assumptions.assumeTrue(PackagedApp.jarExists(), "packaged app missing: run ./mvnw package first");
        two = TwoInstances.start(getClass().getSimpleName(), Map.of());
    }

    @AfterAll
    void stopEverything() throws Exception {
        if (two != null) {
            two.close();
        }
    }

    private HttpRequest reservation(PackagedApp app, String sku, int quantity, String key) {
        return HttpRequest.newBuilder(app.uri("/inventory/" + sku + "/reservations"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("Authorization", Tokens.bearerWriter())
                .header("Idempotency-Key", key)
                .POST(HttpRequest.BodyPublishers.ofString("{\"quantity\":" + quantity + "}"))
                .build();
    }

    private HttpResponse<String> send(HttpRequest request) throws Exception {
        return two.http().send(request, HttpResponse.BodyHandlers.ofString());
    }

    private int stock(String sku) throws Exception {
        try (Connection connection = two.connect();
                PreparedStatement query = connection.prepareStatement("SELECT quantity FROM inventory WHERE sku = ?")) {
            query.setString(1, sku);
            try (ResultSet rows = query.executeQuery()) {
                rows.next();
                return rows.getInt(1);
            }
        }
    }

    private String stocked(int quantity) {
        String sku = "TWO-" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(two.send(two.a(), "PUT", "/inventory/" + sku, "{\"name\":\"Mug\",\"quantity\":" + quantity + "}")
                        .statusCode())
                .isEqualTo(200);
        return sku;
    }

    @Test
    void aReservationAppliedOnARetriedOnBTakesNoStockAgain() throws Exception {
        String sku = stocked(100);
        String key = UUID.randomUUID().toString();

        HttpResponse<String> onA = send(reservation(two.a(), sku, 3, key));
        HttpResponse<String> onB = send(reservation(two.b(), sku, 3, key));

        assertThat(onA.statusCode()).isEqualTo(200);
        assertThat(onA.headers().firstValue("Idempotent-Replayed")).isEmpty();
        assertThat(onB.statusCode()).isEqualTo(200);
        assertThat(onB.headers().firstValue("Idempotent-Replayed")).contains("true");
        assertThat(onB.body()).isEqualTo(onA.body());
        assertThat(stock(sku)).isEqualTo(97);
    }

    @Test
    void duplicatesSentToBothInstancesAtOnceApplyOnce() throws Exception {
        String sku = stocked(100);
        String key = UUID.randomUUID().toString();

        DuplicateReplies replies = DuplicateReplies.sendAtOnce(
                two.http(),
                IntStream.range(0, 40)
                        .mapToObj(i -> reservation(i % 2 == 0 ? two.a() : two.b(), sku, 5, key))
                        .toList());

        // The split between replays and "in progress" depends on timing; docs/failure-modes.md quotes it.
        System.out.println(replies.summary("two instances"));
        assertThat(replies.all()).allSatisfy(r -> assertThat(r.statusCode()).isIn(200, 409));
        assertThat(replies.applied()).hasSize(1);
        assertThat(stock(sku)).isEqualTo(95);
    }
}
