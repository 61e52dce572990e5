package dev.cachepatterns.platform;

import java.time.Duration;
import java.util.Map;

import jakarta.inject.Inject;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.mutiny.sqlclient.Pool;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import dev.cachepatterns.cache.aside.CacheAside;
import dev.cachepatterns.cache.aside.CacheAsideFactory;
import dev.cachepatterns.support.Management;
import dev.cachepatterns.support.MemoryCache;
import dev.cachepatterns.support.RedisServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With nothing listening on the ports where Postgres and Redis usually are (and no container engine here), the service
 * starts real Postgres and Redis processes from the binaries in Maven artifacts and serves as usual.
 */
@QuarkusTest
@TestProfile(EmbeddedLocalServicesTest.NothingOnTheUsualPorts.class)
class EmbeddedLocalServicesTest {

    static final int UNUSED_POSTGRES_PORT = RedisServer.freePort();
    static final int UNUSED_REDIS_PORT = RedisServer.freePort();

    public static class NothingOnTheUsualPorts implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "local-services.postgres-port", String.valueOf(UNUSED_POSTGRES_PORT),
                    "local-services.redis-port", String.valueOf(UNUSED_REDIS_PORT));
        }
    }

    @Inject
    Pool pool;

    @Inject
    CacheAsideFactory caches;

    @Inject
    MeterRegistry registry;

    @Test
    void servesFromEmbeddedPostgresAndRedis() {
        // An explicit datasource URL in the environment (the per-developer database of a shared machine) outranks the
        // local-services fallback this test is about.
        Assumptions.assumeTrue(
                System.getenv("QUARKUS_DATASOURCE_REACTIVE_URL") == null,
                "QUARKUS_DATASOURCE_REACTIVE_URL is set, so the embedded Postgres is not used");
        String postgresUrl = ConfigProvider.getConfig().getValue("quarkus.datasource.reactive.url", String.class);
        String redisUrl = ConfigProvider.getConfig().getValue("quarkus.redis.hosts", String.class);
        assertThat(postgresUrl).startsWith("postgresql://127.0.0.1:").doesNotContain(":5432/");
        assertThat(redisUrl).startsWith("redis://127.0.0.1:").doesNotEndWith(":6379");
        assertThat(System.getProperty("local-services.embedded.postgres-port")).isNotBlank();
        assertThat(System.getProperty("local-services.embedded.redis-port")).isNotBlank();

        // The schema was migrated into the embedded Postgres, and the embedded Redis answers the cache layer.
        assertThat(pool.query("SELECT count(*) FROM flyway_schema_history WHERE success")
                        .execute()
                        .await()
                        .atMost(Duration.ofSeconds(10))
                        .iterator()
                        .next()
                        .getLong(0))
                .isPositive();
        CacheAside<Long, String> cache = MemoryCache.create(caches, "embedded-test");
        assertThat(cache.get(5L).await().atMost(Duration.ofSeconds(10))).contains("value-5");
        assertThat(cache.get(5L).await().atMost(Duration.ofSeconds(10))).contains("value-5");
        assertThat(registry.find("cache.gets")
                        .tag("cache", "embedded-test")
                        .tag("result", "hit")
                        .counter()
                        .count())
                .isEqualTo(1);
        Management.given().get("/q/health/ready").then().statusCode(200);
    }
}
