package dev.cachepatterns.platform;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import dev.cachepatterns.support.Users;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasItem;

@QuarkusTest
class DashboardTest {

    @Test
    void thePageIsServedAtTheRoot() {
        given().get("/")
                .then()
                .statusCode(200)
                .contentType(containsString("text/html"))
                .body(containsString("id=\"board-entries\""))
                .body(containsString("/q/swagger-ui"));
        given().get("/app.js").then().statusCode(200).body(containsString("EventSource"));
    }

    @Test
    void statsReportPerCacheHitsAndLoads() {
        long id = Users.create("Stats");
        given().get("/users/{id}", id).then().statusCode(200);
        given().get("/users/{id}", id).then().statusCode(200);

        given().get("/dashboard/stats")
                .then()
                .statusCode(200)
                .body("caches.cache", hasItem("users"))
                .body("caches.find { it.cache == 'users' }.hits", greaterThan(0))
                .body("caches.find { it.cache == 'users' }.hitRatio", greaterThan(0f))
                .body("writeBehind.pending", greaterThanOrEqualTo(0))
                .body("redisCircuit", containsString("c"));
    }
}
