package dev.cachepatterns.support;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Gives the packaged app of a {@code @QuarkusIntegrationTest} the service's test database ({@link
 * PackagedApp#defaultReactiveUrl()}, the one the {@code @QuarkusTest}s use) instead of its prod default, which another
 * service with other migrations may hold.
 */
public class TestDatabaseResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        return Map.of("quarkus.datasource.reactive.url", PackagedApp.defaultReactiveUrl());
    }

    @Override
    public void stop() {}
}
