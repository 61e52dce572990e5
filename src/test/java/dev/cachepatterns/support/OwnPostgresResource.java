package dev.cachepatterns.support;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/** Points the application at a Postgres of the test's own, which the test may stop and start again. */
public class OwnPostgresResource implements QuarkusTestResourceLifecycleManager {

    private static volatile PostgresServer server;

    public static PostgresServer server() {
        return server;
    }

    @Override
    public Map<String, String> start() {
        server = new PostgresServer().start();
        return Map.of(
                "quarkus.datasource.reactive.url",
                server.reactiveUrl("postgres"),
                "quarkus.datasource.jdbc.url",
                "jdbc:" + server.reactiveUrl("postgres"));
    }

    @Override
    public void stop() {
        if (server != null) {
            server.close();
        }
    }
}
