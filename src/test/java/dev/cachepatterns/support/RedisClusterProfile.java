package dev.cachepatterns.support;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

import dev.cachepatterns.support.examples.ExampleUnderTest;
import dev.cachepatterns.support.examples.Examples;

/**
 * Runs the application with the {@code cluster} configuration profile of application.properties (on top of {@code
 * test}) against a {@link RedisCluster} of the test's own. Shared by every cluster test class: one application start.
 */
public class RedisClusterProfile implements QuarkusTestProfile {

    @Override
    public String getConfigProfile() {
        return "test,cluster";
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        // The shared 2-core machine is often overloaded; a slow reply should not look like an outage here.
        // Every example's optional parts on: a near tier tracks every master of the cluster (ClusterStrategiesTest
        // checks that each one asked for goes live).
        Map<String, String> settings = new HashMap<>(Examples.settings(ExampleUnderTest::quickBackgroundWork));
        settings.putAll(Examples.settings(ExampleUnderTest::everythingOn));
        settings.put("cache.redis.timeout", "1s");
        return settings;
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(RedisClusterResource.class));
    }
}
