package dev.cachepatterns.support;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/** The one-click demos switched on (they are off in tests by default), without the pause between runs. */
public class DemosProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("demo.enabled", "true", "demo.min-interval", "0s");
    }
}
