package dev.cachepatterns.cluster;

import java.time.Duration;
import java.util.List;

import jakarta.inject.Inject;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.mutiny.sqlclient.Pool;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import dev.cachepatterns.cache.redis.HashSlot;
import dev.cachepatterns.support.Management;
import dev.cachepatterns.support.RedisCluster;
import dev.cachepatterns.support.RedisClusterProfile;
import dev.cachepatterns.support.RedisClusterResource;
import dev.cachepatterns.support.RedisServer;
import dev.cachepatterns.support.examples.ClusterContext;
import dev.cachepatterns.support.examples.ExampleUnderTest;
import dev.cachepatterns.support.examples.Examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;

/**
 * Every example present, through the HTTP API, on a real three-master Redis Cluster (configuration profile "cluster"):
 * each states its checks ({@code ExampleUnderTest.verifyOnCluster}), run here as one dynamic test per example on one
 * application start.
 */
@QuarkusTest
@TestProfile(RedisClusterProfile.class)
class ClusterStrategiesTest {

    @Inject
    MeterRegistry registry;

    @Inject
    Pool pool;

    private RedisCluster cluster() {
        return RedisClusterResource.cluster();
    }

    @Test
    void theServiceComputesTheSlotsRedisComputes() {
        for (String key : List.of(
                "cp:products:42",
                "cp:prices:SKU-1",
                "cp:rk:{global}:scores",
                "cp:rk:{global}:deltas",
                "cp:wb:{articles}:stream",
                "cp:{articles}:hello",
                "cp:fills",
                "123456789",
                "foo{}{bar}",
                "foo{{bar}}zap")) {
            assertThat(HashSlot.of(key)).as(key).isEqualTo(cluster().keySlot(key));
        }
    }

    @Test
    void healthDashboardAndMetricsWorkOnTheCluster() {
        Management.given()
                .get("/q/health/ready")
                .then()
                .statusCode(200)
                .body("checks.find { it.name == 'redis-cache' }.status", equalTo("UP"))
                .body("checks.findAll { it.status != 'UP' }", empty());
        assertThat(registry.get("cache.redis.circuit.open").gauge().value()).isZero();
        // INFO would reach a random node per poll: the redis_* INFO meters stay off on a cluster.
        assertThat(registry.find("redis.memory.used").gauge()).isNull();
    }

    @Test
    void everyNearTierAskedForTracksEveryMasterOfTheCluster() {
        List<String> asked = Examples.settings(ExampleUnderTest::everythingOn).entrySet().stream()
                .filter(setting -> setting.getKey().endsWith(".near.enabled")
                        && setting.getValue().equals("true"))
                .map(setting -> setting.getKey()
                        .substring("cache.".length(), setting.getKey().length() - ".near.enabled".length()))
                .toList();
        Assumptions.assumeFalse(asked.isEmpty(), "no example asks for a near tier");
        for (String cache : asked) {
            assertThat(registry.find("cache.near.entries").tag("cache", cache).gauge())
                    .as("the near tier of %s", cache)
                    .isNotNull();
            // One tracking connection on each master (the prefix is the cache's; each test JVM runs one app).
            String prefix = ConfigProvider.getConfig().getValue("cache." + cache + ".key-prefix", String.class);
            Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                for (RedisServer master : cluster().masterNodes()) {
                    assertThat(cluster().cli(master, "client", "list"))
                            .as("tracking of %s on %s", cache, master.port())
                            .contains(" name=near-tracking:" + prefix + " ");
                }
            });
        }
    }

    @TestFactory
    List<DynamicTest> everyExampleWorksOnTheCluster() {
        ClusterContext context = new ClusterContext(cluster(), pool, registry);
        return Examples.all().stream()
                .map(example -> DynamicTest.dynamicTest(example.name(), () -> example.verifyOnCluster(context)))
                .toList();
    }
}
