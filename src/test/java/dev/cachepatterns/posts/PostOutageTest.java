package dev.cachepatterns.posts;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import dev.cachepatterns.support.Management;
import dev.cachepatterns.support.OwnPostgresResource;
import dev.cachepatterns.support.OwnRedisWithArgsResource;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/**
 * A Postgres and a Redis of the test's own. Postgres goes down: views are still accepted and land once it is back.
 * Redis dies: views are written to Postgres before the reply. Redis may evict any key: readiness says DOWN.
 */
@QuarkusTest
@TestProfile(PostOutageTest.OwnServers.class)
class PostOutageTest {

    public static class OwnServers extends UniqueKeys {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(
                    new TestResourceEntry(OwnPostgresResource.class),
                    new TestResourceEntry(
                            OwnRedisWithArgsResource.class, Map.of("args", "--maxmemory-policy allkeys-lru")));
        }
    }

    @Inject
    Pool pool;

    @ConfigProperty(name = "cache.posts.key-prefix")
    String cachePrefix;

    @Inject
    RedisDataSource redis;

    @Test
    void incrementsAreAcceptedWhilePostgresIsDownAndLandOnceItReturns() {
        String slug = Posts.create("pg-outage");
        // Start from a healthy Redis (another test restarts it) holding the post, so reads need no database.
        Awaitility.await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            given().get("/posts/{slug}", slug).then().statusCode(200);
            assertThat(redis.key().exists(cachePrefix + ":" + slug)).isTrue();
        });

        OwnPostgresResource.server().stop();
        int accepted = 0;
        for (int i = 0; i < 20; i++) {
            given().post("/posts/{slug}/views", slug).then().statusCode(202).body("views", equalTo(i + 1));
            accepted++;
        }
        given().get("/posts/{slug}", slug).then().statusCode(200).body("views", equalTo(accepted));

        OwnPostgresResource.server().start();

        int expected = accepted;
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(250))
                .ignoreExceptions()
                .untilAsserted(() -> assertThat(countInPostgres(slug, "views")).isEqualTo(expected));
        given().get("/posts/{slug}", slug).then().statusCode(200).body("views", equalTo(expected));
    }

    @Test
    void whenRedisIsDownAViewIsWrittenToPostgresBeforeTheReply() {
        String slug = Posts.create("no-redis");
        OwnRedisWithArgsResource.server().stop();
        try {
            given().post("/posts/{slug}/views", slug).then().statusCode(202).body("views", equalTo(1));
            given().post("/posts/{slug}/likes", slug).then().statusCode(202).body("likes", equalTo(1));
            assertThat(countInPostgres(slug, "views + likes")).isEqualTo(2L);
            given().get("/posts/{slug}", slug).then().statusCode(200).body("views", equalTo(1));
        } finally {
            OwnRedisWithArgsResource.server().start();
        }
    }

    @Test
    void readinessIsDownWhileRedisMayEvictTheQueue() {
        Awaitility.await()
                .atMost(Duration.ofSeconds(15))
                .untilAsserted(() -> Management.given()
                        .get("/q/health/ready")
                        .then()
                        .statusCode(503)
                        .body("checks.find { it.name == 'write-behind-posts' }.status", equalTo("DOWN"))
                        .body(
                                "checks.find { it.name == 'write-behind-posts' }.data.maxmemory-policy",
                                equalTo("allkeys-lru"))
                        .body(
                                "checks.find { it.name == 'write-behind-posts' }.data.problem",
                                containsString("noeviction")));
    }

    private long countInPostgres(String slug, String expression) {
        return pool.preparedQuery("SELECT " + expression + " FROM posts WHERE slug = $1")
                .execute(Tuple.of(slug))
                .await()
                .atMost(Duration.ofSeconds(5))
                .iterator()
                .next()
                .getLong(0);
    }
}
