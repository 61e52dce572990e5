package dev.cachepatterns.posts;

import java.time.Duration;
import java.util.UUID;

import jakarta.inject.Inject;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.cachepatterns.support.OwnRedisProfile;
import dev.cachepatterns.support.OwnRedisResource;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

/**
 * A view's key rides its stream entry into the write-behind ledger: after the view was flushed and Redis restarted
 * empty (stored outcome gone), the retry is accepted again with the same accept id, and the flush skips it. Postgres
 * counts the view once.
 */
@QuarkusTest
@TestProfile(OwnRedisProfile.class)
class PostIdempotencyRedisRestartTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @Inject
    Pool pool;

    private long views(String slug) {
        return pool.preparedQuery("SELECT views FROM posts WHERE slug = $1")
                .execute(Tuple.of(slug))
                .await()
                .atMost(WAIT)
                .iterator()
                .next()
                .getLong(0);
    }

    @Test
    void aViewRetriedAfterItsFlushAndARedisRestartIsCountedOnce() {
        String slug = Posts.create("idem-restart");
        String key = UUID.randomUUID().toString();
        given().header("Idempotency-Key", key)
                .post("/posts/{slug}/views", slug)
                .then()
                .statusCode(202);
        Awaitility.await().atMost(WAIT).until(() -> views(slug) == 1);

        OwnRedisResource.server().stopAndWipe();
        OwnRedisResource.server().start();
        // Accepted again (Redis forgot the outcome); the answer counts it as pending until the flush skips it.
        Awaitility.await()
                .atMost(WAIT)
                .untilAsserted(() -> given().header("Idempotency-Key", key)
                        .post("/posts/{slug}/views", slug)
                        .then()
                        .statusCode(202)
                        .header("Idempotent-Replayed", nullValue()));
        given().post("/posts/{slug}/views", slug).then().statusCode(202);

        // The unkeyed view lands, the retried one does not: 2, not 3.
        Awaitility.await().atMost(WAIT).until(() -> views(slug) == 2);
        Awaitility.await()
                .during(Duration.ofSeconds(3))
                .atMost(Duration.ofSeconds(5))
                .until(() -> views(slug) == 2);
        Awaitility.await()
                .atMost(WAIT)
                .untilAsserted(() -> given().get("/posts/{slug}", slug).then().body("views", equalTo(2)));
        assertThat(views(slug)).isEqualTo(2);
    }
}
