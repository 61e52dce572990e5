package dev.cachepatterns.security;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.mutiny.sqlclient.Pool;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.Config;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import dev.cachepatterns.support.LoadDriver;
import dev.cachepatterns.support.Metrics;
import dev.cachepatterns.support.Outcomes;
import dev.cachepatterns.support.SecureRedisProfile;
import dev.cachepatterns.support.SecureRedisResource;
import dev.cachepatterns.support.examples.ExampleUnderTest;
import dev.cachepatterns.support.examples.Examples;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The service runs as the restricted Redis user of {@code deploy/redis/users.acl.template}, over TLS, with the
 * {@code default} user disabled. Users depend on: every example's strategy works with exactly these rights (cache hits,
 * no fallback to Postgres, no command or key refused: Redis' ACL LOG stays empty), and the service's credentials open
 * nothing beyond its own keys.
 */
@QuarkusTest
@TestProfile(SecureRedisProfile.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisServiceUserTest {

    @Inject
    MeterRegistry registry;

    @Inject
    Pool pool;

    @Inject
    Config config;

    @TestHTTPResource("/")
    URI base;

    @Test
    @Order(1)
    void everyStrategyWorksAsTheServiceUserOverTls() {
        Assumptions.assumeFalse(Examples.none(), "no example to run");
        Metrics metrics = new Metrics(registry);
        // The first TLS connections of a cold JVM may be slow: start once Redis answers through the guard.
        Awaitility.await()
                .atMost(Duration.ofSeconds(20))
                .until(() -> registry.get("cache.redis.circuit.open").gauge().value() == 0);
        double fallbacks = metrics.total("cache.fallbacks");
        Map<String, Double> hits = new HashMap<>();
        Examples.caches().forEach(cache -> hits.put(cache, metrics.gets(cache, "hit")));

        // Every example's data is written, cached and read back through the restricted user.
        Examples.Scenarios scenarios = Examples.prepare("acl");
        for (String key : scenarios.cachedKeys()) {
            assertThat(SecureRedisResource.asAdmin("EXISTS", key)).as(key).startsWith("1");
        }
        LoadDriver driver = new LoadDriver(base);
        List<LoadDriver.Call> calls = new ArrayList<>();
        for (int n = 0; n < 40 * Examples.all().size(); n++) {
            calls.add(scenarios.call(driver, n));
        }
        Outcomes outcomes = new Outcomes(calls.stream()
                .map(call -> driver.burst(List.of(call)).all().get(0))
                .toList());
        assertThat(outcomes.matching(o -> o.status() != scenarios.success(o.label())))
                .as("requests that did not succeed")
                .isEmpty();
        scenarios.stream().forEach(scenario -> scenario.assertConsistent(outcomes, pool));
        for (String cache : Examples.caches()) {
            assertThat(metrics.gets(cache, "hit")).as("hits of %s", cache).isGreaterThan(hits.get(cache));
        }
        for (String cache : Examples.caches()) {
            if (registry.find("cache.near.entries").tag("cache", cache).gauge() != null) {
                // The near tier went live, so key tracking was allowed (SecureRedisProfile switches every one on).
                assertThat(metrics.gets(cache, "near_hit"))
                        .as("near hits of %s", cache)
                        .isPositive();
            }
        }

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
        for (ExampleUnderTest example : Examples.all()) {
            String prefix = config.getValue(example.keyPrefixProperties().get(0), String.class);
            assertThat(SecureRedisResource.asService("SET", prefix + ":acl-probe", "1", "PX", "1000"))
                    .as("SET under %s", prefix)
                    .startsWith("OK");
        }
        // Other keys, dangerous commands, other channels: no.
        assertThat(SecureRedisResource.asService("SET", "other:key", "1")).startsWith("NOPERM");
        assertThat(SecureRedisResource.asService("GET", "cpx:products:1")).startsWith("NOPERM");
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
        assertThat(SecureRedisResource.anonymous("GET", "cp:products:1")).startsWith("NOAUTH");
    }
}
