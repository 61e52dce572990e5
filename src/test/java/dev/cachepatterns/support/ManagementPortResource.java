package dev.cachepatterns.support;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Gives the packaged app of a {@code @QuarkusIntegrationTest} a free management port (its prod default, 9000, may be
 * taken) and tells {@link Management} which one.
 */
public class ManagementPortResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        String port = String.valueOf(RedisServer.freePort());
        System.setProperty("quarkus.management.test-port", port);
        return Map.of("quarkus.management.port", port);
    }

    @Override
    public void stop() {
        System.clearProperty("quarkus.management.test-port");
    }
}
