package dev.cachepatterns.posts;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import jakarta.inject.Inject;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.cachepatterns.support.Management;
import dev.cachepatterns.support.auth.Tokens;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

/** The posts API end to end, with the flusher running: counts are exact, bad input is a 4xx. */
@QuarkusTest
@TestProfile(PostApiTest.Profile.class)
class PostApiTest {

    public static class Profile extends UniqueKeys {}

    @Inject
    Pool pool;

    @Inject
    RedisDataSource redis;

    @ConfigProperty(name = "write-behind.posts.key-prefix")
    String writeBehindPrefix;

    @TestHTTPResource("/posts")
    URI postsUri;

    @Test
    void createThenReadAPost() {
        String slug = Posts.uniqueSlug("hello-world");
        given().contentType(ContentType.JSON)
                .body(Map.of("slug", slug, "title", "Hello", "body", "First post", "authorId", 42))
                .post("/posts")
                .then()
                .statusCode(201)
                .header("Location", endsWith("/posts/" + slug))
                .body("slug", equalTo(slug))
                .body("views", equalTo(0))
                .body("publishedAt", notNullValue());

        given().get("/posts/{slug}", slug)
                .then()
                .statusCode(200)
                .body("title", equalTo("Hello"))
                .body("body", equalTo("First post"))
                .body("authorId", equalTo(42))
                .body("views", equalTo(0))
                .body("likes", equalTo(0));
    }

    @Test
    void aTakenSlugIs409() {
        String slug = Posts.create("taken");
        given().contentType(ContentType.JSON)
                .body(Map.of("slug", slug, "title", "Again", "body", "", "authorId", 1))
                .post("/posts")
                .then()
                .statusCode(409)
                .contentType("application/problem+json");
    }

    @Test
    void unknownPostsAre404ForReadsAndIncrements() {
        String slug = Posts.uniqueSlug("missing");
        given().get("/posts/{slug}", slug).then().statusCode(404).contentType("application/problem+json");
        given().post("/posts/{slug}/views", slug).then().statusCode(404);
        given().post("/posts/{slug}/likes", slug).then().statusCode(404);
        assertThat(redis.hash(String.class).hgetall(writeBehindPrefix + ":pending"))
                .doesNotContainKey(slug + ":views");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Upper", "a_b", "-lead", "a%3Ab", "a%20b", "a*", "%7Bposts%7D", "a.b"})
    void badSlugsInPathsAre400(String slug) {
        for (String path : List.of("/posts/" + slug, "/posts/" + slug + "/views", "/posts/" + slug + "/likes")) {
            var request = given().urlEncodingEnabled(false);
            var response =
                    path.endsWith("s") && !path.equals("/posts/" + slug) ? request.post(path) : request.get(path);
            response.then()
                    .statusCode(400)
                    .contentType("application/problem+json")
                    .body("detail", containsString("slug"));
        }
    }

    @Test
    void anOversizeSlugIs400() {
        given().get("/posts/" + "a".repeat(101)).then().statusCode(400);
        // Vert.x itself may answer a very long request line with 414: any 4xx, never a 500.
        int status = given().post("/posts/" + "a".repeat(5000) + "/views")
                .then()
                .extract()
                .statusCode();
        assertThat(status).isBetween(400, 499);
    }

    @Test
    void invalidBodiesAre400WithTheField() {
        String slug = Posts.uniqueSlug("bad");
        List<Map<String, Object>> bodies = List.of(
                Map.of("slug", "Bad Slug", "title", "t", "body", "b", "authorId", 1),
                Map.of("slug", slug, "title", "", "body", "b", "authorId", 1),
                Map.of("slug", slug, "title", "t".repeat(201), "body", "b", "authorId", 1),
                Map.of("slug", slug, "title", "t", "body", "b".repeat(20_001), "authorId", 1),
                Map.of("slug", slug, "title", "t", "body", "b", "authorId", 0),
                Map.of("slug", slug, "title", "t", "body", "b", "authorId", -3),
                Map.of("slug", slug, "title", "t", "body", "b"),
                Map.of("slug", slug, "title", "t", "body", "b", "authorId", 1, "views", 1000));
        for (Map<String, Object> body : bodies) {
            given().contentType(ContentType.JSON)
                    .body(body)
                    .post("/posts")
                    .then()
                    .statusCode(400)
                    .contentType("application/problem+json");
        }
        given().contentType(ContentType.JSON)
                .body("{\"slug\":\"" + slug + "\",\"title\":\"t\",\"body\":\"b\",\"authorId\":1e40}")
                .post("/posts")
                .then()
                .statusCode(400);
        given().get("/posts/{slug}", slug).then().statusCode(404);
    }

    @Test
    void concurrentIncrementsLandExactlyOnceInPostgres() throws Exception {
        String slug = Posts.create("popular");
        int views = 200;
        int likes = 40;
        HttpClient client = HttpClient.newHttpClient();
        List<CompletableFuture<HttpResponse<String>>> replies = IntStream.range(0, views + likes)
                .mapToObj(i -> client.sendAsync(
                        HttpRequest.newBuilder(URI.create(postsUri + "/" + slug + (i < views ? "/views" : "/likes")))
                                .header("Authorization", Tokens.bearerWriter())
                                .POST(HttpRequest.BodyPublishers.noBody())
                                .build(),
                        HttpResponse.BodyHandlers.ofString()))
                .toList();
        for (CompletableFuture<HttpResponse<String>> reply : replies) {
            assertThat(reply.get().statusCode()).isEqualTo(202);
        }

        // Reads count accepted increments at once, whether flushed or not.
        given().get("/posts/{slug}", slug)
                .then()
                .statusCode(200)
                .body("views", equalTo(views))
                .body("likes", equalTo(likes));
        Awaitility.await()
                .atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(countsInPostgres(slug)).containsExactly((long) views, (long) likes));
        Awaitility.await()
                .atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(
                                redis.hash(String.class).hmget(writeBehindPrefix + ":pending", slug + ":views"))
                        .containsEntry(slug + ":views", null));
        given().get("/posts/{slug}", slug)
                .then()
                .statusCode(200)
                .body("views", equalTo(views))
                .body("likes", equalTo(likes));
    }

    @Test
    void anIncrementRepliesWithTheCountsIncludingItself() {
        String slug = Posts.create("reply");
        given().post("/posts/{slug}/views", slug)
                .then()
                .statusCode(202)
                .body("slug", equalTo(slug))
                .body("views", equalTo(1))
                .body("likes", equalTo(0));
        given().post("/posts/{slug}/likes", slug)
                .then()
                .statusCode(202)
                .body("views", equalTo(1))
                .body("likes", equalTo(1));
    }

    @Test
    void metricsAndReadinessAreExposed() {
        String slug = Posts.create("metrics");
        given().post("/posts/{slug}/views", slug).then().statusCode(202);
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(countsInPostgres(slug)).containsExactly(1L, 0L));
        String metrics = Management.given()
                .get("/q/metrics")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertThat(metrics)
                .contains("write_behind_pending{")
                .contains("write_behind_lag_seconds{")
                .contains("write_behind_flushed_total{")
                .contains("write_behind_dead_total{");
        Management.given()
                .get("/q/health/ready")
                .then()
                .statusCode(200)
                .body("checks.find { it.name == 'write-behind-posts' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'write-behind-posts' }.data.maxmemory-policy", equalTo("noeviction"));
    }

    private List<Long> countsInPostgres(String slug) {
        Row row = pool.preparedQuery("SELECT views, likes FROM posts WHERE slug = $1")
                .execute(Tuple.of(slug))
                .await()
                .indefinitely()
                .iterator()
                .next();
        return List.of(row.getLong("views"), row.getLong("likes"));
    }
}
