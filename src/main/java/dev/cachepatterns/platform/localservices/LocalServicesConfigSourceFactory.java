package dev.cachepatterns.platform.localservices;

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
 * <p>Settings (dev and test profiles only; anything set explicitly, e.g. {@code QUARKUS_REDIS_HOSTS}, wins):
 * {@code local-services.enabled} (default true), {@code local-services.postgres-port} (5432),
 * {@code local-services.postgres-database} (test), {@code local-services.redis-port} (6379),
 * {@code local-services.use-container-engine} (true).
 */
public class LocalServicesConfigSourceFactory implements ConfigSourceFactory {

    private static final Logger LOG = Logger.getLogger(LocalServicesConfigSourceFactory.class);
    // Above application.properties (250), below environment variables (300) and system properties (400).
    private static final int ORDINAL = 275;

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
        String database = string(context, "local-services.postgres-database", "test");

        String postgresUrl;
        if (Ports.listening(postgresPort)) {
            postgresUrl = "postgresql://127.0.0.1:" + postgresPort + "/" + database;
        } else {
            postgresUrl = EmbeddedServices.postgresUrl();
        }
        String redisUrl = Ports.listening(redisPort) ? "redis://127.0.0.1:" + redisPort : EmbeddedServices.redisUrl();

        return List.of(new PropertiesConfigSource(
                Map.of(
                        "quarkus.datasource.reactive.url", postgresUrl,
                        "quarkus.datasource.username", "postgres",
                        "quarkus.redis.hosts", redisUrl),
                "local-services",
                ORDINAL));
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
