package dev.cachepatterns.faults;

import java.util.List;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import dev.cachepatterns.support.PostgresServer;
import dev.cachepatterns.support.RedisServer;
import dev.cachepatterns.support.TcpProxy;

/**
 * The servers the fault tests break: a redis-server (append-only, fsync always, as write-behind requires) and a
 * PostgreSQL of their own, each behind a {@link TcpProxy} that the application connects to. Postgres logs every
 * statement with its duration and parameters as JSON lines ({@link PostgresStatementLog}).
 */
public class FaultServers implements QuarkusTestResourceLifecycleManager {

    private static volatile RedisServer redis;
    private static volatile TcpProxy redisProxy;
    private static volatile PostgresServer postgres;
    private static volatile TcpProxy postgresProxy;

    public static RedisServer redis() {
        return redis;
    }

    public static TcpProxy redisProxy() {
        return redisProxy;
    }

    public static PostgresServer postgres() {
        return postgres;
    }

    public static TcpProxy postgresProxy() {
        return postgresProxy;
    }

    @Override
    public Map<String, String> start() {
        redis = new RedisServer(List.of("--appendonly", "yes", "--appendfsync", "always")).start();
        redisProxy = new TcpProxy(redis.port());
        postgres = new PostgresServer(List.of(
                        "logging_collector=on",
                        "log_destination=jsonlog",
                        "log_min_duration_statement=0",
                        "log_rotation_size=0",
                        "log_timezone=UTC"))
                .start();
        postgresProxy = new TcpProxy(postgres.port());
        String url = "postgresql://127.0.0.1:" + postgresProxy.port() + "/postgres";
        return Map.of(
                "quarkus.redis.hosts",
                "redis://127.0.0.1:" + redisProxy.port(),
                "quarkus.datasource.reactive.url",
                url,
                // Flyway migrates directly, not through the proxy.
                "quarkus.datasource.jdbc.url",
                "jdbc:" + postgres.reactiveUrl());
    }

    @Override
    public void stop() {
        if (redisProxy != null) {
            redisProxy.close();
        }
        if (postgresProxy != null) {
            postgresProxy.close();
        }
        if (redis != null) {
            redis.stop();
        }
        if (postgres != null) {
            postgres.close();
        }
    }
}
