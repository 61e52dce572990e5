package dev.cachepatterns.support;

import java.util.List;
import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

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
        // The users' near tier asked for: on a cluster it must stay off by itself (ClusterStrategiesTest checks).
        return Map.of(
                "cache.redis.timeout",
                "1s",
                "write-behind.posts.flush-interval",
                "0.2s",
                "cache.users.near.enabled",
                "true");
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(RedisClusterResource.class));
    }
}
