package dev.cachepatterns.support;

import java.util.List;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/** Points the application at a redis-server of the test's own, which the test may kill and restart. */
public class OwnRedisResource implements QuarkusTestResourceLifecycleManager {

    private static volatile RedisServer server;

    public static RedisServer server() {
        return server;
    }

    @Override
    public Map<String, String> start() {
        server = new RedisServer(List.of()).start();
        return Map.of("quarkus.redis.hosts", server.uri());
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop();
        }
    }
}
