package dev.cachepatterns.leaderboards;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.inject.Inject;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

@QuarkusTest
class LeaderboardApiTest {

    @ConfigProperty(name = "cache.leaderboards.key-prefix")
    String keyPrefix;

    @Inject
    RedisDataSource redis;

    @TestHTTPResource("/leaderboards")
    URI leaderboardsUri;

    @Test
    void submissionsAddUpAndAnswerTheNewTotalAndRank() {
        String board = Boards.unique("api");
        given().contentType(ContentType.JSON)
                .body(Map.of("player", "alice", "points", 10))
                .post("/leaderboards/{board}/scores", board)
                .then()
                .statusCode(200)
                .body("player", equalTo("alice"))
                .body("score", equalTo(10))
                .body("rank", equalTo(1));
        Boards.submit(board, "bob", 25);
        given().contentType(ContentType.JSON)
                .body(Map.of("player", "alice", "points", 20))
                .post("/leaderboards/{board}/scores", board)
                .then()
                .statusCode(200)
                .body("score", equalTo(30))
                .body("rank", equalTo(1));
        given().get("/leaderboards/{board}/players/bob", board)
                .then()
                .statusCode(200)
                .body("score", equalTo(25))
                .body("rank", equalTo(2));
    }

    @Test
    void theSameAnswersComeFromPostgresAndFromTheCachedSetWithTiesOrderedByPlayerName() {
        String board = Boards.unique("ties");
        // Equal totals: ordered by name in byte order ("Zed" < "amy" < "bob"), never by arrival.
        Boards.submit(board, "bob", 7);
        Boards.submit(board, "amy", 7);
        Boards.submit(board, "Zed", 7);
        Boards.submit(board, "top", 9);
        Boards.submit(board, "low", -3);

        for (int pass = 0; pass < 2; pass++) {
            // First pass: not cached, served from Postgres. Second: served from the rebuilt sorted set.
            given().get("/leaderboards/{board}?limit=10", board)
                    .then()
                    .statusCode(200)
                    .body("board", equalTo(board))
                    .body("entries.player", contains("top", "Zed", "amy", "bob", "low"))
                    .body("entries.rank", contains(1, 2, 3, 4, 5))
                    .body("entries.score", contains(9, 7, 7, 7, -3))
                    .body("refreshedAt", notNullValue());
            given().get("/leaderboards/{board}/players/amy", board)
                    .then()
                    .statusCode(200)
                    .body("rank", equalTo(3))
                    .body("score", equalTo(7));
            Awaitility.await()
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> redis.key().exists(Boards.refreshedAtKey(keyPrefix, board)));
        }
        given().get("/leaderboards/{board}?limit=2", board)
                .then()
                .statusCode(200)
                .body("entries.player", contains("top", "Zed"));
    }

    @Test
    void anUnknownBoardIsEmptyAndAnUnknownPlayerIs404() {
        String board = Boards.unique("empty");
        given().get("/leaderboards/{board}", board).then().statusCode(200).body("entries", empty());
        given().get("/leaderboards/{board}/players/nobody", board)
                .then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("detail", containsString("nobody"));
        // The empty board is cached too (no set, but its refreshed-at marker), so it stops costing a query per read.
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> redis.key().exists(Boards.refreshedAtKey(keyPrefix, board)));
        given().get("/leaderboards/{board}", board).then().statusCode(200).body("entries", empty());
        Boards.submit(board, "first", 1);
        given().get("/leaderboards/{board}", board).then().statusCode(200).body("entries.player", contains("first"));
    }

    @Test
    void badNamesAndLimitsAre400() {
        String board = Boards.unique("bad");
        for (String limit : new String[] {"0", "101", "-1", "abc", "1.5", "99999999999"}) {
            given().get("/leaderboards/{board}?limit=" + limit, board)
                    .then()
                    .statusCode(400)
                    .contentType("application/problem+json")
                    .body("detail", containsString("limit"));
        }
        given().get("/leaderboards/{board}?limit=100", board).then().statusCode(200);
        for (String name : new String[] {"a:b", "a*", "x".repeat(65), "a b", "é"}) {
            given().get("/leaderboards/{board}", name).then().statusCode(400).body("detail", containsString("board"));
            given().get("/leaderboards/{board}/players/{player}", board, name)
                    .then()
                    .statusCode(400)
                    .body("detail", containsString("player"));
        }
    }

    @Test
    void hashTagBracesCannotReachAKey() {
        given().urlEncodingEnabled(false).get("/leaderboards/a%7Bb%7D").then().statusCode(400);
        given().urlEncodingEnabled(false)
                .get("/leaderboards/ok/players/%7Bx%7D")
                .then()
                .statusCode(400);
    }

    @Test
    void badScoreBodiesAre400() {
        String board = Boards.unique("body");
        String[] bodies = {
            "{\"player\":\"p\",\"points\":10.5}",
            "{\"player\":\"p\",\"points\":\"10\"}",
            "{\"player\":\"p\",\"points\":1000001}",
            "{\"player\":\"p\",\"points\":-1000001}",
            "{\"player\":\"p\",\"points\":99999999999999999999999}",
            "{\"player\":\"p\"}",
            "{\"points\":5}",
            "{\"player\":\"p:q\",\"points\":5}",
            "{\"player\":\"\",\"points\":5}",
            "{\"player\":\"p\",\"points\":5,\"bonus\":1}",
            "{\"player\":\"p\",\"points\":null}",
            "[1,2]",
            "not json",
            ""
        };
        for (String body : bodies) {
            given().contentType(ContentType.JSON)
                    .body(body)
                    .post("/leaderboards/{board}/scores", board)
                    .then()
                    .statusCode(400)
                    .contentType("application/problem+json");
        }
        given().contentType(ContentType.JSON)
                .body("{\"player\":\"p\",\"points\":5}")
                .post("/leaderboards/{board}/scores", "bad:board")
                .then()
                .statusCode(400);
        // Nothing of the above was recorded.
        given().get("/leaderboards/{board}", board).then().statusCode(200).body("entries", empty());
    }

    @Test
    void theStreamSendsTheTopNowAndAgainWhenItChanges() {
        String board = Boards.unique("stream");
        Boards.submit(board, "ann", 5);
        List<String> events = new CopyOnWriteArrayList<>();
        AtomicReference<Flow.Subscription> subscription = new AtomicReference<>();
        HttpRequest request = HttpRequest.newBuilder(
                        leaderboardsUri.resolve("/leaderboards/" + board + "/stream?limit=5"))
                .header("Accept", "text/event-stream")
                .build();
        HttpClient.newHttpClient()
                .sendAsync(request, HttpResponse.BodyHandlers.fromLineSubscriber(new Flow.Subscriber<>() {
                    @Override
                    public void onSubscribe(Flow.Subscription s) {
                        subscription.set(s);
                        s.request(Long.MAX_VALUE);
                    }

                    @Override
                    public void onNext(String line) {
                        if (line.startsWith("data:")) {
                            events.add(line);
                        }
                    }

                    @Override
                    public void onError(Throwable failure) {}

                    @Override
                    public void onComplete() {}
                }));
        try {
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> events.size() == 1);
            assertThat(events.get(0)).contains("\"player\":\"ann\",\"score\":5");

            Boards.submit(board, "bob", 9);

            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> events.size() == 2);
            assertThat(events.get(1)).contains("{\"rank\":1,\"player\":\"bob\",\"score\":9}");
            // Nothing changed since: no more events, however many ticks pass.
            Awaitility.await().pollDelay(Duration.ofSeconds(2)).until(() -> true);
            assertThat(events).hasSize(2);
        } finally {
            if (subscription.get() != null) {
                subscription.get().cancel();
            }
        }
        given().get("/leaderboards/{board}/stream?limit=0", board).then().statusCode(400);
    }
}
