package dev.cachepatterns.inventory;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import jakarta.inject.Inject;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.cachepatterns.support.DuplicateReplies;
import dev.cachepatterns.support.TcpProxy;
import dev.cachepatterns.support.auth.Tokens;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

/**
 * {@code Idempotency-Key} on reservations, against the real Postgres and Redis: a retry gets the first answer and takes
 * no stock again (counted in Postgres), another body is a 422, a duplicate while the first runs is a 409, a reply lost
 * after the commit is safe to retry, bad keys are a 400, and without the header nothing changes.
 */
@QuarkusTest
class InventoryIdempotencyTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Inject
    Pool pool;

    @TestHTTPResource("/")
    URI root;

    static ValidatableResponse reserve(String sku, int quantity, String key) {
        var request = given().contentType(ContentType.JSON).body(Map.of("quantity", quantity));
        if (key != null) {
            request = request.header("Idempotency-Key", key);
        }
        return request.post("/inventory/{sku}/reservations", sku).then();
    }

    private int stock(String sku) {
        return pool.preparedQuery("SELECT quantity FROM inventory WHERE sku = $1")
                .execute(Tuple.of(sku))
                .await()
                .atMost(WAIT)
                .iterator()
                .next()
                .getInteger(0);
    }

    private static String stocked(String label, int quantity) {
        String sku = InventoryApi.uniqueSku(label);
        InventoryApi.put(sku, "Mug", quantity).statusCode(200);
        return sku;
    }

    private static String newKey() {
        return UUID.randomUUID().toString();
    }

    @Test
    void aRetryGetsTheFirstAnswerAndTakesNoStockAgain() {
        String sku = stocked("IDEM", 10);
        String key = newKey();

        String first = reserve(sku, 2, key)
                .statusCode(200)
                .header("Cache-Write", "stored")
                .header("Idempotent-Replayed", nullValue())
                .body("quantity", equalTo(8))
                .extract()
                .asString();
        for (int i = 0; i < 3; i++) {
            String again = reserve(sku, 2, key)
                    .statusCode(200)
                    .header("Cache-Write", "stored")
                    .header("Idempotent-Replayed", "true")
                    .extract()
                    .asString();
            assertThat(again).isEqualTo(first);
        }

        assertThat(stock(sku)).isEqualTo(8);
        InventoryApi.get(sku).statusCode(200).body("quantity", equalTo(8));
    }

    @Test
    void theKeyAsTheDraftWritesItAQuotedStringIsTheSameKey() {
        String sku = stocked("IDEM-Q", 10);
        String key = newKey();

        reserve(sku, 1, key).statusCode(200).header("Idempotent-Replayed", nullValue());
        reserve(sku, 1, "\"" + key + "\"").statusCode(200).header("Idempotent-Replayed", "true");

        assertThat(stock(sku)).isEqualTo(9);
    }

    @Test
    void theSameKeyWithAnotherBodyOrPathIs422AndAppliesNothing() {
        String sku = stocked("IDEM-422", 10);
        String other = stocked("IDEM-422B", 10);
        String key = newKey();
        reserve(sku, 2, key).statusCode(200);

        reserve(sku, 3, key)
                .statusCode(422)
                .contentType("application/problem+json")
                .body("status", equalTo(422))
                .body("detail", containsString("Idempotency-Key was used with another request"));
        reserve(other, 2, key).statusCode(422).contentType("application/problem+json");

        assertThat(stock(sku)).isEqualTo(8);
        assertThat(stock(other)).isEqualTo(10);
    }

    @Test
    void aRefusalIsTheFirstOutcomeToo() {
        String sku = stocked("IDEM-409", 1);
        String key = newKey();
        reserve(sku, 2, key).statusCode(409).body("detail", containsString("Insufficient stock"));
        InventoryApi.put(sku, "Mug", 5).statusCode(200);

        // The retry is the same request: it gets the same refusal, even though stock would now suffice.
        reserve(sku, 2, key).statusCode(409).body("detail", containsString("Insufficient stock"));

        assertThat(stock(sku)).isEqualTo(5);
    }

    @Test
    void badKeysAre400AndApplyNothing() {
        String sku = stocked("IDEM-400", 10);

        for (String bad : List.of("", "has space", "a".repeat(256), "quote\"inside", "back\\slash", "\"\"")) {
            reserve(sku, 1, bad)
                    .statusCode(400)
                    .contentType("application/problem+json")
                    .body("detail", containsString("Idempotency-Key"));
        }
        reserve(sku, 1, (newKey() + "a".repeat(255)).substring(0, 255)).statusCode(200);

        assertThat(stock(sku)).isEqualTo(9);
    }

    @Test
    void aNonAsciiKeyIs400() throws Exception {
        String sku = stocked("IDEM-ASCII", 10);
        // A raw request: the JDK's client would send the 'ü' as '?', a valid key.
        String body = "{\"quantity\":1}";
        String request = "POST /inventory/" + sku + "/reservations HTTP/1.1\r\n"
                + "Host: localhost\r\nContent-Type: application/json\r\nConnection: close\r\n"
                + "Authorization: " + Tokens.bearerWriter() + "\r\n"
                + "Idempotency-Key: schl\u00fcssel-" + newKey() + "\r\n"
                + "Content-Length: " + body.length() + "\r\n\r\n" + body;
        String response;
        try (Socket socket = new Socket(root.getHost(), root.getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
            response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }

        assertThat(response).startsWith("HTTP/1.1 400").contains("printable ASCII");
        assertThat(stock(sku)).isEqualTo(10);
    }

    @Test
    void withoutTheHeaderEveryReservationApplies() {
        String sku = stocked("IDEM-NONE", 10);

        reserve(sku, 2, null).statusCode(200).header("Idempotent-Replayed", nullValue());
        reserve(sku, 2, null).statusCode(200).header("Idempotent-Replayed", nullValue());

        assertThat(stock(sku)).isEqualTo(6);
    }

    @Test
    void aDuplicateWhileTheFirstRunsIs409InProgressAndTheFirstAppliesOnce() throws Exception {
        String sku = stocked("IDEM-HELD", 10);
        String key = newKey();
        SqlConnection holder = pool.getConnection().await().atMost(WAIT);
        CompletableFuture<HttpResponse<String>> first;
        try {
            // Hold the first attempt inside its transaction: it has claimed the key and waits for the row lock.
            holder.query("BEGIN").execute().await().atMost(WAIT);
            holder.preparedQuery("SELECT quantity FROM inventory WHERE sku = $1 FOR UPDATE")
                    .execute(Tuple.of(sku))
                    .await()
                    .atMost(WAIT);
            first = HttpClient.newHttpClient()
                    .sendAsync(
                            reservation(root, sku, 2)
                                    .header("Idempotency-Key", key)
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            Awaitility.await().atMost(WAIT).until(() -> waitingForALock(holder));

            reserve(sku, 2, key)
                    .statusCode(409)
                    .header("Retry-After", "1")
                    .contentType("application/problem+json")
                    .body("detail", containsString("in progress"));
        } finally {
            holder.query("ROLLBACK").execute().await().atMost(WAIT);
            holder.close().await().atMost(WAIT);
        }

        HttpResponse<String> applied = first.get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(applied.statusCode()).isEqualTo(200);
        String replayed = reserve(sku, 2, key)
                .statusCode(200)
                .header("Idempotent-Replayed", "true")
                .extract()
                .asString();
        assertThat(replayed).isEqualTo(applied.body());
        assertThat(stock(sku)).isEqualTo(8);
    }

    @Test
    void fiftyConcurrentDuplicatesApplyOnce() {
        String sku = stocked("IDEM-50", 100);
        String key = newKey();
        HttpClient client = HttpClient.newHttpClient();
        HttpRequest request =
                reservation(root, sku, 3).header("Idempotency-Key", key).build();

        DuplicateReplies replies = DuplicateReplies.sendAtOnce(client, Collections.nCopies(50, request));
        List<HttpResponse<String>> responses = replies.all();

        // The split between replays and "in progress" depends on timing; docs/failure-modes.md quotes it.
        System.out.println(replies.summary("reservations"));
        List<HttpResponse<String>> applied = replies.applied();
        assertThat(applied).hasSize(1);
        assertThat(responses)
                .allSatisfy(r -> assertThat(r.statusCode()).isIn(200, 409))
                .filteredOn(r -> r.statusCode() == 200)
                .allSatisfy(r -> assertThat(r.body()).isEqualTo(applied.get(0).body()));
        assertThat(stock(sku)).isEqualTo(97);
    }

    @Test
    void aReplyLostAfterTheCommitIsSafeToRetry() {
        String sku = stocked("IDEM-LOST", 10);
        String key = newKey();
        try (TcpProxy proxy = new TcpProxy(root.getPort())) {
            // Every chunk takes 1 s through the proxy: the reservation commits while its reply is still on the way.
            proxy.latency(1000);
            CompletableFuture<HttpResponse<String>> lost = HttpClient.newHttpClient()
                    .sendAsync(
                            reservation(URI.create("http://127.0.0.1:" + proxy.port() + "/"), sku, 2)
                                    .header("Idempotency-Key", key)
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            Awaitility.await().atMost(WAIT).until(() -> stock(sku) == 8);
            proxy.cutAll();

            assertThatThrownBy(lost::join).hasCauseInstanceOf(IOException.class);
        }

        reserve(sku, 2, key)
                .statusCode(200)
                .header("Idempotent-Replayed", "true")
                .body("quantity", equalTo(8));
        assertThat(stock(sku)).isEqualTo(8);
    }

    private boolean waitingForALock(SqlConnection holder) {
        return pool.query("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                                + " AND query LIKE 'UPDATE inventory%'")
                        .execute()
                        .await()
                        .atMost(WAIT)
                        .iterator()
                        .next()
                        .getLong(0)
                > 0;
    }

    static HttpRequest.Builder reservation(URI base, String sku, int quantity) {
        return HttpRequest.newBuilder(base.resolve("/inventory/" + sku + "/reservations"))
                .timeout(Duration.ofSeconds(15))
                .header("Content-Type", "application/json")
                .header("Authorization", Tokens.bearerWriter())
                .POST(HttpRequest.BodyPublishers.ofString("{\"quantity\":" + quantity + "}"));
    }
}
