package dev.cachepatterns.cache.aside;

import io.quarkus.redis.runtime.client.config.RedisConfig;
import io.vertx.redis.client.RedisOptions;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A cluster master's tracking connection reaches it as the application reaches the cluster: the configured endpoint with
 * the master's host and port, the scheme (TLS), the user and password and the parameters unchanged.
 */
class TrackingClientsTest {

    @Test
    void aMastersEndpointKeepsEverythingButTheAddressOfTheConfiguredOne() {
        assertThat(endpointFor("redis://seed-1:7000?user=cache-patterns", "10.0.0.5", 7001))
                .isEqualTo("redis://10.0.0.5:7001?user=cache-patterns");
        assertThat(endpointFor("rediss://app:p%40ss@seed-1:6379/0", "10.0.0.5", 7001))
                .isEqualTo("rediss://app:p%40ss@10.0.0.5:7001/0");
        assertThat(endpointFor("redis://seed-1:7000", "fd00::5", 7001)).isEqualTo("redis://[fd00::5]:7001");
    }

    private static String endpointFor(String configured, String host, int port) {
        TrackingClients clients = new TrackingClients(null);
        clients.customize(RedisConfig.DEFAULT_CLIENT_NAME, new RedisOptions().setConnectionString(configured));
        return clients.nodeEndpoint(host, port);
    }
}
