package dev.cachepatterns.leaderboards;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import org.junit.jupiter.api.Test;

import dev.cachepatterns.support.DuplicateReplies;
import dev.cachepatterns.support.auth.Tokens;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

/**
 * {@code Idempotency-Key} on score submissions: a retry gets the first total and rank and records no second score event
 * (counted in Postgres), another body is a 422, and 50 concurrent duplicates record one event.
 */
@QuarkusTest
class LeaderboardIdempotencyTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Inject
    Pool pool;

    @TestHTTPResource("/")
    URI root;

    private static ValidatableResponse submit(String board, String player, long points, String key) {
        return given().contentType(ContentType.JSON)
                .header("Idempotency-Key", key)
                .body(Map.of("player", player, "points", points))
                .post("/leaderboards/{board}/scores", board)
                .then();
    }

    /** Events and their sum for the player in Postgres, where every score event is kept. */
    private long[] events(String board, String player) {
        Row row = pool.preparedQuery(
                        "SELECT count(*), coalesce(sum(points), 0) FROM score_events WHERE board = $1 AND player = $2")
                .execute(Tuple.of(board, player))
                .await()
                .atMost(WAIT)
                .iterator()
                .next();
        return new long[] {row.getLong(0), row.getLong(1)};
    }

    private static String board() {
        return "idem-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void aRetryGetsTheFirstTotalAndRecordsNoSecondEvent() {
        String board = board();
        String key = UUID.randomUUID().toString();

        String first = submit(board, "alice", 10, key)
                .statusCode(200)
                .header("Idempotent-Replayed", nullValue())
                .body("score", equalTo(10))
                .extract()
                .asString();
        submit(board, "bob", 30, UUID.randomUUID().toString()).statusCode(200);
        // Bob now leads, but the retry is answered with the first outcome (alice 10, rank 1), not a new one.
        String again = submit(board, "alice", 10, key)
                .statusCode(200)
                .header("Idempotent-Replayed", "true")
                .extract()
                .asString();

        assertThat(again).isEqualTo(first);
        assertThat(events(board, "alice")).containsExactly(1L, 10L);
        given().get("/leaderboards/{board}/players/alice", board).then().body("score", equalTo(10));
    }

    @Test
    void theSameKeyWithOtherPointsIs422() {
        String board = board();
        String key = UUID.randomUUID().toString();
        submit(board, "carol", 5, key).statusCode(200);

        submit(board, "carol", 6, key).statusCode(422).contentType("application/problem+json");

        assertThat(events(board, "carol")).containsExactly(1L, 5L);
    }

    @Test
    void fiftyConcurrentDuplicatesRecordOneEvent() {
        String board = board();
        String key = UUID.randomUUID().toString();
        HttpClient client = HttpClient.newHttpClient();
        HttpRequest request = HttpRequest.newBuilder(root.resolve("/leaderboards/" + board + "/scores"))
                .timeout(Duration.ofSeconds(15))
                .header("Content-Type", "application/json")
                .header("Authorization", Tokens.bearerWriter())
                .header("Idempotency-Key", key)
                .POST(HttpRequest.BodyPublishers.ofString("{\"player\":\"dave\",\"points\":7}"))
                .build();

        DuplicateReplies replies = DuplicateReplies.sendAtOnce(client, Collections.nCopies(50, request));

        // The split between replays and "in progress" depends on timing; docs/failure-modes.md quotes it.
        System.out.println(replies.summary("scores"));
        assertThat(replies.all()).allSatisfy(r -> assertThat(r.statusCode()).isIn(200, 409));
        assertThat(replies.applied()).hasSize(1);
        assertThat(events(board, "dave")).containsExactly(1L, 7L);
    }
}
