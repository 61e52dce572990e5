package dev.cachepatterns.support;

import java.util.List;

import io.quarkus.test.junit.QuarkusTestProfile;

/** The application with the {@code sentinel} configuration profile on a Sentinel deployment of the test's own. */
public class SentinelProfile implements QuarkusTestProfile {

    @Override
    public String getConfigProfile() {
        return "test,sentinel";
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(SentinelResource.class));
    }
}
