package dev.cachepatterns.users;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import jakarta.inject.Inject;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.cachepatterns.support.Metrics;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

@QuarkusTest
class UserCacheAsideTest {

    @Inject
    MeterRegistry registry;

    @Inject
    RedisDataSource redis;

    @ConfigProperty(name = "cache.users.key-prefix")
    String keyPrefix;

    @Inject
    UsersCacheConfig config;

    @TestHTTPResource("/users")
    URI usersUri;

    Metrics metrics;

    @BeforeEach
    void setUp() {
        metrics = new Metrics(registry);
    }

    private String keyOf(long id) {
        return keyPrefix + ":" + id;
    }

    @Test
    void secondReadIsServedFromRedisWithoutTouchingPostgres() {
        long id = Users.create("Ada");
        redis.key().del(keyOf(id));
        double loadsBefore = metrics.loads("users");
        double hitsBefore = metrics.gets("users", "hit");

        given().get("/users/{id}", id).then().statusCode(200).body("name", equalTo("Ada"));
        assertThat(metrics.loads("users")).isEqualTo(loadsBefore + 1);
        assertThat(redis.value(String.class).get(keyOf(id))).contains("\"name\":\"Ada\"");

        given().get("/users/{id}", id)
                .then()
                .statusCode(200)
                .body("id", equalTo((int) id))
                .body("avatarUrl", equalTo("https://img.example.com/Ada.png"));
        assertThat(metrics.loads("users")).isEqualTo(loadsBefore + 1);
        assertThat(metrics.gets("users", "hit")).isEqualTo(hitsBefore + 1);
    }

    @Test
    void updateInvalidatesAndRewarmsTheEntry() {
        long id = Users.create("Grace");
        given().get("/users/{id}", id).then().statusCode(200).body("name", equalTo("Grace"));

        given().contentType(ContentType.JSON)
                .body(Map.of("name", "Grace Hopper", "email", "grace-" + id + "@example.com"))
                .put("/users/{id}", id)
                .then()
                .statusCode(200)
                .body("name", equalTo("Grace Hopper"));

        // Re-warmed: the entry already holds the new value, so the next read is a hit.
        assertThat(redis.value(String.class).get(keyOf(id))).contains("Grace Hopper");
        double loadsBefore = metrics.loads("users");
        given().get("/users/{id}", id)
                .then()
                .statusCode(200)
                .body("name", equalTo("Grace Hopper"))
                .body("email", equalTo("grace-" + id + "@example.com"));
        assertThat(metrics.loads("users")).isEqualTo(loadsBefore);
    }

    @Test
    void deleteInvalidatesTheEntry() {
        long id = Users.create("Linus");
        given().get("/users/{id}", id).then().statusCode(200);

        given().delete("/users/{id}", id).then().statusCode(204);

        given().get("/users/{id}", id)
                .then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("detail", equalTo("No user with id " + id));
        given().delete("/users/{id}", id).then().statusCode(204);
    }

    private List<CompletableFuture<HttpResponse<String>>> burst(HttpClient client, long id) {
        HttpRequest request =
                HttpRequest.newBuilder(usersUri.resolve("/users/" + id)).GET().build();
        List<CompletableFuture<HttpResponse<String>>> responses = IntStream.range(0, 200)
                .mapToObj(i -> client.sendAsync(request, HttpResponse.BodyHandlers.ofString()))
                .toList();
        CompletableFuture.allOf(responses.toArray(CompletableFuture[]::new)).join();
        return responses;
    }

    @Test
    void bulkReadReturnsUsersInTheOrderAskedWithOneDatabaseReadForTheMisses() {
        long a = Users.create("Bulk A");
        long b = Users.create("Bulk B");
        long c = Users.create("Bulk C");
        long missing = 8_000_000_000L + System.nanoTime() % 1_000_000;
        given().get("/users/{id}", b).then().statusCode(200); // b is cached, a and c are not
        double loadsBefore = metrics.loads("users");

        given().get("/users?ids={ids}", c + "," + missing + "," + a + "," + b + "," + c)
                .then()
                .statusCode(200)
                .body("id", contains((int) c, (int) a, (int) b))
                .body("name", contains("Bulk C", "Bulk A", "Bulk B"));
        assertThat(metrics.loads("users")).isEqualTo(loadsBefore + 1);
        assertThat(redis.value(String.class).get(keyOf(missing))).isEqualTo("!absent");

        given().get("/users?ids={ids}", a + "," + b + "," + c + "," + missing)
                .then()
                .statusCode(200)
                .body("id", contains((int) a, (int) b, (int) c));
        assertThat(metrics.loads("users")).isEqualTo(loadsBefore + 1);
    }

    @Test
    void createAnswers201WithLocationAndRejectsADuplicateEmail() {
        String email = "dup-" + System.nanoTime() + "@example.com";
        Map<String, String> body = Map.of("name", "Dup", "email", email);
        Number id = given().contentType(ContentType.JSON)
                .body(body)
                .post("/users")
                .then()
                .statusCode(201)
                .header("Location", startsWith("http"))
                .body("email", equalTo(email))
                .extract()
                .path("id");
        given().get("/users/{id}", id.longValue()).then().statusCode(200);

        given().contentType(ContentType.JSON)
                .body(body)
                .post("/users")
                .then()
                .statusCode(409)
                .contentType("application/problem+json");
    }
}
