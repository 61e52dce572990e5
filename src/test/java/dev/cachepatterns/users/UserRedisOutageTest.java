package dev.cachepatterns.users;

import java.time.Duration;
import java.util.List;
import java.util.stream.LongStream;

import jakarta.inject.Inject;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.cachepatterns.support.Management;
import dev.cachepatterns.support.Metrics;
import dev.cachepatterns.support.OwnRedisProfile;
import dev.cachepatterns.support.OwnRedisResource;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.anyOf;
import static org.hamcrest.Matchers.equalTo;

/** A Redis of the test's own is killed and restarted: reads keep answering from Postgres, then the cache recovers. */
@QuarkusTest
@TestProfile(OwnRedisProfile.class)
class UserRedisOutageTest {

    @Inject
    MeterRegistry registry;

    @Test
    void readsAreServedFromPostgresWhileRedisIsDownAndTheCacheRecoversWhenItReturns() {
        Metrics metrics = new Metrics(registry);
        List<Long> ids =
                LongStream.range(0, 5).mapToObj(i -> Users.create("Outage" + i)).toList();
        ids.forEach(id -> given().get("/users/{id}", id).then().statusCode(200));

        OwnRedisResource.server().stop();
        double fallbacksBefore = metrics.fallbacks("users");

        // Every read still answers 200 from Postgres, each bounded by the Redis time-out rather than hanging.
        for (int round = 0; round < 4; round++) {
            for (long id : ids) {
                long start = System.nanoTime();
                given().get("/users/{id}", id).then().statusCode(200).body("name", equalTo("Outage" + ids.indexOf(id)));
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
            }
        }
        given().get("/users?ids={a},{b}", ids.get(0), ids.get(1))
                .then()
                .statusCode(200)
                .body("size()", equalTo(2));
        assertThat(metrics.fallbacks("users")).isGreaterThanOrEqualTo(fallbacksBefore + 20);
        // The circuit opened, so later requests skipped Redis entirely. On a slow machine the reads above can take
        // longer than cache.redis.open-for, and then it is already half-open (waiting for its probe): both mean
        // "opened".
        Management.given()
                .get("/q/health/ready")
                .then()
                .statusCode(200)
                .body(
                        "checks.find { it.name == 'redis-cache' }.data.circuit",
                        anyOf(equalTo("open"), equalTo("half_open")));

        OwnRedisResource.server().start();

        // No restart needed: once the circuit lets a probe through, reads fill the (empty) Redis and then hit it.
        long id = ids.get(0);
        Awaitility.await()
                .atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> {
                    double hitsBefore = metrics.gets("users", "hit");
                    given().get("/users/{id}", id).then().statusCode(200);
                    given().get("/users/{id}", id).then().statusCode(200);
                    assertThat(metrics.gets("users", "hit")).isGreaterThan(hitsBefore);
                });
        Management.given()
                .get("/q/health/ready")
                .then()
                .statusCode(200)
                .body("checks.find { it.name == 'redis-cache' }.data.circuit", equalTo("closed"));
    }
}
