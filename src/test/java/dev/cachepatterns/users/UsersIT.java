package dev.cachepatterns.users;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.http.ContentType;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.cachepatterns.support.Management;
import dev.cachepatterns.support.ManagementPortResource;
import dev.cachepatterns.support.TestDatabaseResource;
import dev.cachepatterns.support.auth.TestKeyResource;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/**
 * A few requests against the packaged application (the jar in the default build, the native binary with
 * {@code -Dnative}): it starts, migrates its schema, (de)serializes users through the API and the Redis cache, maps bad
 * input to problem+json and exposes health and metrics. What the packaging can break, nothing more; the behaviour is
 * covered by the {@code @QuarkusTest}s. It trusts the test key and writes with a {@code writer} token ({@link
 * TestKeyResource}).
 */
@QuarkusIntegrationTest
@WithTestResource(TestKeyResource.class)
@WithTestResource(ManagementPortResource.class)
@WithTestResource(TestDatabaseResource.class)
class UsersIT {

    @Test
    void userRoundTripThroughApiAndCache() {
        String email = "it-" + UUID.randomUUID() + "@example.com";
        Number id = given().contentType(ContentType.JSON)
                .body(Map.of("name", "Packaged", "email", email, "avatarUrl", "https://img.example.com/p.png"))
                .post("/users")
                .then()
                .statusCode(201)
                .extract()
                .path("id");

        // First read fills Redis, second is served from it: both go through the JSON codec.
        for (int i = 0; i < 2; i++) {
            given().get("/users/{id}", id.longValue())
                    .then()
                    .statusCode(200)
                    .body("name", equalTo("Packaged"))
                    .body("email", equalTo(email));
        }
    }

    @Test
    void badInputIsAProblemNotAServerError() {
        given().get("/users/not-a-number")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("status", equalTo(400));
        given().contentType(ContentType.JSON)
                .body("{\"name\":\"x\"}")
                .post("/users")
                .then()
                .statusCode(400)
                .contentType("application/problem+json");
    }

    @Test
    void healthAndMetricsAreServed() {
        // The users cache registers its meters with its first use.
        given().get("/users/{id}", 900_000_000_000_000_001L).then().statusCode(404);
        Management.given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        Management.given().get("/q/health/live").then().statusCode(200);
        // Redis INFO meters appear with the first successful poll, a few seconds after start at most.
        Awaitility.await()
                .atMost(Duration.ofSeconds(15))
                .untilAsserted(() -> Management.given()
                        .get("/q/metrics")
                        .then()
                        .statusCode(200)
                        .body(containsString("cache_gets_total"))
                        .body(containsString("redis_memory_used_bytes"))
                        .body(containsString("cache_redis_circuit_open")));
    }
}
