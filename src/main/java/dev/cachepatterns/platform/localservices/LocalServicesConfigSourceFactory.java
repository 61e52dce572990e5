package dev.cachepatterns.platform.localservices;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;
import org.eclipse.microprofile.config.spi.ConfigSource;
import org.jboss.logging.Logger;

/**
 * Finds a Postgres and a Redis for dev mode and tests, so {@code ./mvnw quarkus:dev} works on a machine with only a
 * JDK. In order: a container engine exists → nothing here, Quarkus Dev Services start containers; else services that
 * answer on the usual localhost ports; else real Postgres and Redis processes started from binaries shipped in Maven
 * artifacts ({@link EmbeddedServices}), which stop when the JVM exits.
 *
 * <p>Each service gets a database of its own on that Postgres, created when missing before Flyway runs ({@link
 * LocalDatabase}): {@code <quarkus.application.name>_dev} in dev mode, {@code <quarkus.application.name>_test} in
 * tests. Its Redis keys are its own through the key prefixes of its configuration (scripts/new-service.sh gives every
 * new service its own); tests use Redis database 2, dev mode database 0, so the two never share keys or streams.
 *
 * <p>Settings (dev and test profiles only; anything set explicitly, e.g. {@code QUARKUS_DATASOURCE_REACTIVE_URL} or
 * {@code QUARKUS_REDIS_HOSTS}, wins, and then no database is created): {@code local-services.enabled} (default true),
 * {@code local-services.postgres-port} (5432), {@code local-services.postgres-database} (derived as above), {@code
 * local-services.redis-port} (6379), {@code local-services.redis-database} (0 in dev mode, 2 in tests), {@code
 * local-services.use-container-engine} (true).
 */
public class LocalServicesConfigSourceFactory implements ConfigSourceFactory {

    private static final Logger LOG = Logger.getLogger(LocalServicesConfigSourceFactory.class);
    // Above application.properties (250), below environment variables (300) and system properties (400).
    private static final int ORDINAL = 275;
    // The local Postgres of a developer machine or CI: trust authentication for its superuser.
    private static final String USER = "postgres";

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        List<String> profiles = context.getProfiles();
        boolean devOrTest = profiles.contains("dev") || profiles.contains("test");
        if (!devOrTest || !bool(context, "local-services.enabled", true)) {
            return List.of();
        }
        if (bool(context, "local-services.use-container-engine", true) && ContainerEngine.reachable()) {
            LOG.debug("container engine found: Dev Services provide Postgres and Redis");
            return List.of();
        }
        int postgresPort = integer(context, "local-services.postgres-port", 5432);
        int redisPort = integer(context, "local-services.redis-port", 6379);
        boolean test = profiles.contains("test");
        String database = string(
                context,
                "local-services.postgres-database",
                LocalDatabase.name(string(context, "quarkus.application.name", "app"), test));
        String password = string(context, "quarkus.datasource.password", null);

        String postgresUrl;
        if (string(context, "quarkus.datasource.reactive.url", null) != null) {
            postgresUrl = null; // set explicitly: that URL wins, and its database is not ours to create
        } else if (Ports.listening(postgresPort)) {
            LocalDatabase.ensureExists("127.0.0.1", postgresPort, database, USER, password);
            postgresUrl = "postgresql://127.0.0.1:" + postgresPort + "/" + database;
        } else {
            postgresUrl = EmbeddedServices.postgresUrl(database);
        }
        // Tests read and write the same key names as dev mode, against another database: a Redis database of their own
        // keeps them apart (and dev mode's write-behind flusher off the tests' streams). 1 is the benchmarks' (bench/).
        int redisDatabase = integer(context, "local-services.redis-database", test ? 2 : 0);
        String redisUrl = (Ports.listening(redisPort) ? "redis://127.0.0.1:" + redisPort : EmbeddedServices.redisUrl())
                + "/" + redisDatabase;

        Map<String, String> found = new HashMap<>();
        found.put("quarkus.redis.hosts", redisUrl);
        if (postgresUrl != null) {
            found.put("quarkus.datasource.reactive.url", postgresUrl);
            found.put("quarkus.datasource.username", USER);
        }
        return List.of(new PropertiesConfigSource(found, "local-services", ORDINAL));
    }

    @Override
    public OptionalInt getPriority() {
        return OptionalInt.of(ORDINAL);
    }

    private static String string(ConfigSourceContext context, String name, String fallback) {
        ConfigValue value = context.getValue(name);
        return value == null || value.getValue() == null ? fallback : value.getValue();
    }

    private static boolean bool(ConfigSourceContext context, String name, boolean fallback) {
        return Boolean.parseBoolean(string(context, name, String.valueOf(fallback)));
    }

    private static int integer(ConfigSourceContext context, String name, int fallback) {
        return Integer.parseInt(string(context, name, String.valueOf(fallback)));
    }
}
