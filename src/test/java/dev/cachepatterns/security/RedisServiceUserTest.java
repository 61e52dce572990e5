package dev.cachepatterns.security;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import dev.cachepatterns.support.Metrics;
import dev.cachepatterns.support.Posts;
import dev.cachepatterns.support.SecureRedisProfile;
import dev.cachepatterns.support.SecureRedisResource;
import dev.cachepatterns.support.Users;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/**
 * The service runs as the restricted Redis user of {@code deploy/redis/users.acl.template}, over TLS, with the
 * {@code default} user disabled. Users depend on: every strategy works with exactly these rights (cache hits, no
 * fallback to Postgres, no command or key refused: Redis' ACL LOG stays empty), and the service's credentials open
 * nothing beyond its own keys.
 */
@QuarkusTest
@TestProfile(SecureRedisProfile.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisServiceUserTest {

    @Inject
    MeterRegistry registry;

    @Test
    @Order(1)
    void allFourStrategiesWorkAsTheServiceUserOverTls() {
        Metrics metrics = new Metrics(registry);
        // The first TLS connections of a cold JVM may be slow: start once Redis answers through the guard.
        Awaitility.await()
                .atMost(Duration.ofSeconds(20))
                .until(() -> registry.get("cache.redis.circuit.open").gauge().value() == 0);
        double fallbacks = metrics.total("cache.fallbacks");
        String suffix = UUID.randomUUID().toString().substring(0, 8);

        // Cache-aside: a miss fills, the next read is a hit; bulk reads use MGET.
        long ann = Users.create("Acl Ann");
        long bob = Users.create("Acl Bob");
        given().get("/users/{id}", ann).then().statusCode(200);
        double hits = metrics.gets("users", "hit");
        given().get("/users/{id}", ann).then().statusCode(200);
        assertThat(metrics.gets("users", "hit")).isGreaterThan(hits);
        given().get("/users?ids={a},{b}", ann, bob).then().statusCode(200).body("size()", equalTo(2));
        assertThat(SecureRedisResource.asAdmin("EXISTS", "cp:users:" + ann)).startsWith("1");

        // Write-through: the write stores the entry, reads hit it, reservations update it.
        String sku = "SKU-ACL-" + suffix;
        given().contentType(ContentType.JSON)
                .body(Map.of("name", "Mug", "quantity", 5))
                .put("/inventory/{sku}", sku)
                .then()
                .statusCode(200);
        double inventoryHits = metrics.gets("inventory", "hit");
        given().get("/inventory/{sku}", sku).then().statusCode(200).body("quantity", equalTo(5));
        assertThat(metrics.gets("inventory", "hit")).isGreaterThan(inventoryHits);
        given().contentType(ContentType.JSON)
                .body(Map.of("quantity", 2))
                .post("/inventory/{sku}/reservations", sku)
                .then()
                .statusCode(200);
        given().get("/inventory/{sku}", sku).then().statusCode(200).body("quantity", equalTo(3));

        // Write-behind: views and likes go through the stream and are flushed to Postgres.
        String slug = Posts.create("acl");
        double flushed = metrics.total("write.behind.flushed");
        for (int i = 0; i < 3; i++) {
            given().post("/posts/{slug}/views", slug).then().statusCode(202);
        }
        given().post("/posts/{slug}/likes", slug).then().statusCode(202);
        Awaitility.await()
                .atMost(Duration.ofSeconds(20))
                .until(() -> metrics.total("write.behind.flushed") >= flushed + 4);
        given().get("/posts/{slug}", slug).then().statusCode(200).body("views", equalTo(3));

        // Refresh-ahead: scores, the top list, a player, and a scheduled rebuild of the hot board.
        String board = "acl-" + suffix;
        for (String player : new String[] {"ann", "bob", "cid"}) {
            given().contentType(ContentType.JSON)
                    .body(Map.of("player", player, "points", player.length() * 10))
                    .post("/leaderboards/{board}/scores", board)
                    .then()
                    .statusCode(200);
        }
        double refreshes = metrics.total("refresh.ahead.refreshes");
        Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            given().get("/leaderboards/{board}?limit=10", board)
                    .then()
                    .statusCode(200)
                    .body("entries.size()", equalTo(3));
            assertThat(metrics.total("refresh.ahead.refreshes")).isGreaterThan(refreshes);
        });
        given().get("/leaderboards/{board}/players/{player}", board, "bob")
                .then()
                .statusCode(200);

        // INFO is allowed: the Redis server meters are sampled.
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> registry.find("redis.memory.used").gauge() != null
                        && registry.get("redis.memory.used").gauge().value() > 0);

        // Nothing was refused and nothing fell back to Postgres.
        assertThat(SecureRedisResource.asAdmin("ACL", "LOG")).isBlank();
        assertThat(metrics.total("cache.fallbacks")).isEqualTo(fallbacks);
        assertThat(metrics.total("cache.invalidation.failures")).isZero();
        assertThat(metrics.total("write.behind.synchronous")).isZero();
        assertThat(metrics.total("refresh.ahead.failures")).isZero();
        assertThat(registry.get("cache.redis.circuit.open").gauge().value()).isZero();
    }

    @Test
    @Order(2)
    void theServiceCredentialsOpenNothingElse() {
        // Its own keys: yes.
        assertThat(SecureRedisResource.asService("SET", "cp:users:acl-probe", "1", "PX", "1000"))
                .startsWith("OK");
        // Other keys, dangerous commands, other channels: no.
        assertThat(SecureRedisResource.asService("SET", "other:key", "1")).startsWith("NOPERM");
        assertThat(SecureRedisResource.asService("GET", "cpx:users:1")).startsWith("NOPERM");
        assertThat(SecureRedisResource.asService("KEYS", "*")).startsWith("NOPERM");
        assertThat(SecureRedisResource.asService("FLUSHALL")).startsWith("NOPERM");
        assertThat(SecureRedisResource.asService("CONFIG", "GET", "requirepass"))
                .startsWith("NOPERM");
        assertThat(SecureRedisResource.asService("ACL", "LIST")).startsWith("NOPERM");
        assertThat(SecureRedisResource.asService("PUBLISH", "other-channel", "x"))
                .startsWith("NOPERM");
        // The refusals are logged against the service user (so an empty ACL LOG above means nothing was refused).
        assertThat(SecureRedisResource.asAdmin("ACL", "LOG")).contains(SecureRedisResource.SERVICE_USER);
        // No credentials, no access.
        assertThat(SecureRedisResource.anonymous("GET", "cp:users:1")).startsWith("NOAUTH");
    }
}
