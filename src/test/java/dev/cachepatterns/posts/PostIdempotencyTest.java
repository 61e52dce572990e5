package dev.cachepatterns.posts;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.inject.Inject;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import io.restassured.response.ValidatableResponse;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.cachepatterns.platform.idempotency.IdempotencyKey;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

/**
 * {@code Idempotency-Key} on posts: a retried create gets the first 201 (not a 409), a retried view or like is counted
 * once in Postgres after the flush, and a view whose stored outcome was lost (the key accepted again, with the same
 * accept id) is still applied once by the write-behind ledger, whether the first was flushed already or is in the same
 * batch.
 */
@QuarkusTest
@TestProfile(PostApiTest.Profile.class)
class PostIdempotencyTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @Inject
    Pool pool;

    @Inject
    PostService posts;

    private static ValidatableResponse post(String path, String key, Object body) {
        var request = given().header("Idempotency-Key", key);
        if (body != null) {
            request = request.contentType(ContentType.JSON).body(body);
        }
        return request.post(path).then();
    }

    private long[] counts(String slug) {
        Row row = pool.preparedQuery("SELECT views, likes FROM posts WHERE slug = $1")
                .execute(Tuple.of(slug))
                .await()
                .atMost(WAIT)
                .iterator()
                .next();
        return new long[] {row.getLong("views"), row.getLong("likes")};
    }

    @Test
    void aRetriedCreateGetsTheFirst201AndCreatesOnePost() {
        String slug = Posts.uniqueSlug("idem");
        String key = UUID.randomUUID().toString();
        Map<String, Object> body = Map.of("slug", slug, "title", "T", "body", "B", "authorId", 3);

        ExtractableResponse<Response> first = post("/posts", key, body)
                .statusCode(201)
                .header("Idempotent-Replayed", nullValue())
                .extract();
        ExtractableResponse<Response> again = post("/posts", key, body)
                .statusCode(201)
                .header("Idempotent-Replayed", "true")
                .extract();

        assertThat(again.header("Location")).isEqualTo(first.header("Location")).endsWith("/posts/" + slug);
        assertThat(again.asString()).isEqualTo(first.asString());
        // Without the key the same body is a second create: 409.
        given().contentType(ContentType.JSON).body(body).post("/posts").then().statusCode(409);
    }

    @Test
    void aRetriedViewAndLikeAreCountedOnce() {
        String slug = Posts.create("idem-views");
        String view = UUID.randomUUID().toString();
        String like = UUID.randomUUID().toString();

        String first = post("/posts/" + slug + "/views", view, null)
                .statusCode(202)
                .body("views", equalTo(1))
                .extract()
                .asString();
        post("/posts/" + slug + "/likes", like, null).statusCode(202).body("likes", equalTo(1));
        for (int i = 0; i < 3; i++) {
            String again = post("/posts/" + slug + "/views", view, null)
                    .statusCode(202)
                    .header("Idempotent-Replayed", "true")
                    .extract()
                    .asString();
            assertThat(again).isEqualTo(first);
            post("/posts/" + slug + "/likes", like, null).statusCode(202).header("Idempotent-Replayed", "true");
        }
        // The view's key on the like endpoint is another request.
        post("/posts/" + slug + "/likes", view, null).statusCode(422);

        Awaitility.await()
                .atMost(WAIT)
                .untilAsserted(() -> assertThat(counts(slug)).containsExactly(1L, 1L));
        given().get("/posts/{slug}", slug)
                .then()
                .statusCode(200)
                .body("views", equalTo(1))
                .body("likes", equalTo(1));
    }

    @Test
    void aKeyAcceptedAgainAfterItsFlushIsNotCountedTwice() {
        String slug = Posts.create("idem-ledger");
        IdempotencyKey key = new IdempotencyKey(UUID.randomUUID().toString(), "fingerprint");

        posts.increment(slug, PostRepository.VIEWS, Optional.of(key)).await().atMost(WAIT);
        Awaitility.await()
                .atMost(WAIT)
                .untilAsserted(() -> assertThat(counts(slug)[0]).isEqualTo(1L));
        // As if Redis had lost the stored outcome: the retry reaches the write-behind with the same accept id.
        posts.increment(slug, PostRepository.VIEWS, Optional.of(key)).await().atMost(WAIT);
        posts.increment(slug, PostRepository.VIEWS, Optional.empty()).await().atMost(WAIT);

        // The unkeyed view lands; the keyed one is skipped by the ledger.
        Awaitility.await()
                .atMost(WAIT)
                .untilAsserted(() -> assertThat(counts(slug)[0]).isEqualTo(2L));
        given().get("/posts/{slug}", slug).then().body("views", equalTo(2));
    }

    @Test
    void twoEntriesWithOneKeyInOneBatchAreCountedOnce() {
        String slug = Posts.create("idem-batch");
        IdempotencyKey key = new IdempotencyKey(UUID.randomUUID().toString(), "fingerprint");

        // Both accepted before the next flush (200 ms): one batch holds both entries of the key.
        posts.increment(slug, PostRepository.LIKES, Optional.of(key))
                .flatMap(first -> posts.increment(slug, PostRepository.LIKES, Optional.of(key)))
                .await()
                .atMost(WAIT);

        Awaitility.await()
                .atMost(WAIT)
                .untilAsserted(() -> assertThat(counts(slug)[1]).isEqualTo(1L));
        Awaitility.await()
                .atMost(WAIT)
                .untilAsserted(() -> given().get("/posts/{slug}", slug).then().body("likes", equalTo(1)));
    }
}
