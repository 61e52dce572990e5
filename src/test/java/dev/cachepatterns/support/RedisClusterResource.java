package dev.cachepatterns.support;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/** Starts a {@link RedisCluster} of the test's own and gives its nodes to the application as seeds. */
public class RedisClusterResource implements QuarkusTestResourceLifecycleManager {

    private static volatile RedisCluster cluster;

    public static RedisCluster cluster() {
        return cluster;
    }

    @Override
    public Map<String, String> start() {
        cluster = new RedisCluster().start();
        // All six nodes as seeds: the app (re)reads the slot map from the first that answers, whichever node dies.
        return Map.of("quarkus.redis.hosts", String.join(",", cluster.allUris()));
    }

    @Override
    public void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }
}
