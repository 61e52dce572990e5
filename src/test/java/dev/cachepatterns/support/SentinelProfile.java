package dev.cachepatterns.support;

import java.util.List;
import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

import dev.cachepatterns.support.examples.ExampleUnderTest;
import dev.cachepatterns.support.examples.Examples;

/** The application with the {@code sentinel} configuration profile on a Sentinel deployment of the test's own. */
public class SentinelProfile implements QuarkusTestProfile {

    @Override
    public String getConfigProfile() {
        return "test,sentinel";
    }

    // The users' near tier on, so a fail-over is seen to flush it (its tracking connection dies with the old primary).
    @Override
    public Map<String, String> getConfigOverrides() {
        return Examples.settings(ExampleUnderTest::everythingOn);
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(SentinelResource.class));
    }
}
