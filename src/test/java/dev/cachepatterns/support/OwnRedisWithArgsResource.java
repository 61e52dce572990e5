package dev.cachepatterns.support;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Like {@link OwnRedisResource}, with extra redis-server arguments from the init arg {@code args} (space separated),
 * e.g. {@code --maxmemory-policy allkeys-lru}.
 */
public class OwnRedisWithArgsResource implements QuarkusTestResourceLifecycleManager {

    private static volatile RedisServer server;
    private List<String> args = List.of();

    public static RedisServer server() {
        return server;
    }

    @Override
    public void init(Map<String, String> initArgs) {
        String raw = initArgs.getOrDefault("args", "").trim();
        args = raw.isEmpty() ? List.of() : Arrays.asList(raw.split("\\s+"));
    }

    @Override
    public Map<String, String> start() {
        server = new RedisServer(args).start();
        return Map.of("quarkus.redis.hosts", server.uri());
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop();
        }
    }
}
