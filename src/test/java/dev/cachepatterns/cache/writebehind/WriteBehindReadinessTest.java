package dev.cachepatterns.cache.writebehind;

import jakarta.inject.Inject;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.mutiny.sqlclient.Pool;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.cachepatterns.support.Management;

import static dev.cachepatterns.cache.writebehind.CounterTable.FIELDS;
import static dev.cachepatterns.cache.writebehind.CounterTable.WAIT;
import static dev.cachepatterns.cache.writebehind.CounterTable.unique;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

/**
 * Every write-behind instance the factory builds brings its own readiness check, {@code write-behind-<name>}, listed by
 * {@code GET /q/health/ready}: UP with what the Redis behind it keeps (its {@code maxmemory-policy} and whether AOF is
 * on), and DOWN, with the reason and the fix, while Redis runs with a policy that may evict the stream of accepted
 * increments, unless the instance opted out ({@code require-safe-eviction-policy = false}). Runs against a Redis of its
 * own (with AOF), whose policy it changes.
 */
@QuarkusTest
@TestProfile(StrategyTestProfile.OwnRedis.class)
class WriteBehindReadinessTest {

    @Inject
    WriteBehindFactory factory;

    @Inject
    Pool pool;

    @Inject
    RedisDataSource redis;

    @Test
    void eachInstanceIsListedUnderItsOwnNameWithWhatRedisKeeps() {
        String name = unique("wb-ready");
        factory.create(name, TestWriteBehindSettings.manual(), FIELDS, new CounterTable(pool), null);
        String check = "checks.find { it.name == 'write-behind-" + name + "' }";

        Awaitility.await()
                .atMost(WAIT)
                .untilAsserted(() -> Management.given()
                        .get("/q/health/ready")
                        .then()
                        .body(check + ".status", equalTo("UP"))
                        .body(check + ".data.maxmemory-policy", equalTo("noeviction"))
                        .body(check + ".data.aof", equalTo(true))
                        .body(check + ".data.warning", nullValue()));
    }

    @Test
    void anInstanceIsNotReadyWhileRedisMayEvictItsStreamUnlessItOptedOut() {
        String strict = unique("wb-strict");
        String relaxed = unique("wb-relaxed");
        CounterTable table = new CounterTable(pool);
        factory.create(strict, TestWriteBehindSettings.manual(), FIELDS, table, null);
        factory.create(
                relaxed, TestWriteBehindSettings.manual().withRequireSafeEvictionPolicy(false), FIELDS, table, null);
        String strictCheck = "checks.find { it.name == 'write-behind-" + strict + "' }";
        String relaxedCheck = "checks.find { it.name == 'write-behind-" + relaxed + "' }";

        redis.execute("CONFIG", "SET", "maxmemory-policy", "allkeys-lru");
        try {
            Awaitility.await()
                    .atMost(WAIT)
                    .untilAsserted(() -> Management.given()
                            .get("/q/health/ready")
                            .then()
                            .statusCode(503)
                            .body(strictCheck + ".status", equalTo("DOWN"))
                            .body(strictCheck + ".data.maxmemory-policy", equalTo("allkeys-lru"))
                            .body(strictCheck + ".data.problem", containsString("noeviction"))
                            .body(relaxedCheck + ".status", equalTo("UP"))
                            .body(relaxedCheck + ".data.maxmemory-policy", equalTo("allkeys-lru")));
        } finally {
            redis.execute("CONFIG", "SET", "maxmemory-policy", "noeviction");
        }
        Awaitility.await()
                .atMost(WAIT)
                .untilAsserted(() ->
                        Management.given().get("/q/health/ready").then().body(strictCheck + ".status", equalTo("UP")));
    }
}
