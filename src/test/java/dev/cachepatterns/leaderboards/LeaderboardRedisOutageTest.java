package dev.cachepatterns.leaderboards;

import java.time.Duration;
import java.util.Map;

import jakarta.inject.Inject;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import dev.cachepatterns.support.Metrics;
import dev.cachepatterns.support.OwnRedisProfile;
import dev.cachepatterns.support.OwnRedisResource;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;

/** A Redis of the test's own is killed: boards are answered from Postgres, no score is lost, then Redis takes over. */
@QuarkusTest
@TestProfile(OwnRedisProfile.class)
class LeaderboardRedisOutageTest {

    @Inject
    MeterRegistry registry;

    @Inject
    RedisDataSource redis;

    @ConfigProperty(name = "cache.leaderboards.key-prefix")
    String keyPrefix;

    @Test
    void boardsAreServedFromPostgresWhileRedisIsDownAndScoresSubmittedMeanwhileAreNotLost() {
        Metrics metrics = new Metrics(registry);
        String board = Boards.unique("outage");
        Boards.submit(board, "ann", 30);
        Boards.submit(board, "bob", 20);
        given().get("/leaderboards/{board}", board).then().statusCode(200);
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> redis.key().exists(Boards.refreshedAtKey(keyPrefix, board)));

        OwnRedisResource.server().stop();
        double fallbacksBefore = metrics.fallbacks(LeaderboardService.CACHE);

        // Accepted (it is in Postgres) and answered from Postgres, each call bounded by the Redis time-out.
        given().contentType(ContentType.JSON)
                .body(Map.of("player", "bob", "points", 15))
                .post("/leaderboards/{board}/scores", board)
                .then()
                .statusCode(200)
                .body("score", equalTo(35))
                .body("rank", equalTo(1));
        for (int i = 0; i < 6; i++) {
            long start = System.nanoTime();
            given().get("/leaderboards/{board}", board)
                    .then()
                    .statusCode(200)
                    .body("entries.player", contains("bob", "ann"))
                    .body("entries.score", contains(35, 30));
            given().get("/leaderboards/{board}/players/ann", board)
                    .then()
                    .statusCode(200)
                    .body("rank", equalTo(2));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        }
        assertThat(metrics.fallbacks(LeaderboardService.CACHE)).isGreaterThan(fallbacksBefore);

        // Redis comes back empty: the board is rebuilt from Postgres, with the score submitted during the outage.
        OwnRedisResource.server().start();
        Awaitility.await()
                .atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(250))
                .untilAsserted(() -> {
                    given().get("/leaderboards/{board}", board).then().statusCode(200);
                    assertThat(redis.sortedSet(String.class).zscore(Boards.scoresKey(keyPrefix, board), "bob"))
                            .hasValue(-35.0);
                });
        double hitsBefore = metrics.gets(LeaderboardService.CACHE, "hit");
        given().get("/leaderboards/{board}", board)
                .then()
                .statusCode(200)
                .body("entries.player", contains("bob", "ann"))
                .body("entries.score", contains(35, 30));
        assertThat(metrics.gets(LeaderboardService.CACHE, "hit")).isEqualTo(hitsBefore + 1);
    }
}
