package dev.cachepatterns.leaderboards;

import java.util.Map;
import java.util.UUID;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import dev.cachepatterns.support.OwnRedisProfile;
import dev.cachepatterns.support.OwnRedisResource;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;

/**
 * A score submission with a key has no durable record of its own (its answer comes from Redis): while Redis cannot be
 * asked whether the key was used, it is refused with 503 and Retry-After rather than risk counting a retry twice.
 * Without a key it is accepted as always (Postgres keeps the event).
 */
@QuarkusTest
@TestProfile(OwnRedisProfile.class)
class LeaderboardIdempotencyRedisDownTest {

    @Test
    void aKeyedScoreIs503WhileRedisIsDownAndAnUnkeyedOneIsRecorded() {
        String board = "idem-down-" + UUID.randomUUID().toString().substring(0, 8);
        OwnRedisResource.server().stop();
        try {
            given().contentType(ContentType.JSON)
                    .header("Idempotency-Key", UUID.randomUUID().toString())
                    .body(Map.of("player", "erin", "points", 3))
                    .post("/leaderboards/{board}/scores", board)
                    .then()
                    .statusCode(503)
                    .header("Retry-After", "1")
                    .body("detail", containsString("Idempotency-Key cannot be checked"));
        } finally {
            OwnRedisResource.server().start();
        }
    }
}
