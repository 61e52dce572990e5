package dev.cachepatterns.platform.localservices;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.Driver;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The local services give each service a database of its own on the local Postgres, created when missing, and an
 * explicit datasource URL still wins. Runs the factory inside a real SmallRye configuration, with an application name
 * of the test's own (its database is dropped afterwards).
 */
class LocalServicesConfigSourceFactoryTest {

    private static final String LOCAL = "jdbc:postgresql://127.0.0.1:5432/postgres";

    private final String application = "ls-probe-" + ThreadLocalRandom.current().nextInt(1_000_000_000);
    private final String database = LocalDatabase.name(application, true);

    @BeforeEach
    void needsTheLocalPostgres() {
        Assumptions.assumeTrue(Ports.listening(5432), "no Postgres on 127.0.0.1:5432");
    }

    @AfterEach
    void dropTheProbeDatabase() throws SQLException {
        try (Connection connection = local();
                Statement drop = connection.createStatement()) {
            drop.execute("DROP DATABASE IF EXISTS \"" + database + "\" WITH (FORCE)");
        }
    }

    @Test
    void devModeAndTestsEachGetADatabaseNamedAfterTheApplication() {
        assertThat(LocalDatabase.name("cache-patterns", false)).isEqualTo("cache_patterns_dev");
        assertThat(LocalDatabase.name("cache-patterns", true)).isEqualTo("cache_patterns_test");
        assertThat(LocalDatabase.name("svc-a", true)).isEqualTo("svc_a_test");
        assertThat(LocalDatabase.name("9lives", true)).isEqualTo("app_9lives_test");
        assertThat(LocalDatabase.name("x".repeat(100), true)).hasSize(63).endsWith("_test");
    }

    @Test
    void theServicesOwnDatabaseIsCreatedWhenMissingAndUsed() throws SQLException {
        assertThat(exists(database)).isFalse();

        SmallRyeConfig config = config(Map.of());

        assertThat(config.getValue("quarkus.datasource.reactive.url", String.class))
                .isEqualTo("postgresql://127.0.0.1:5432/" + database);
        assertThat(exists(database)).isTrue();
        // Tests keep their Redis keys and streams apart from dev mode's, which see the same key names.
        assertThat(config.getValue("quarkus.redis.hosts", String.class)).endsWith("/2");
        // Building the configuration again (a dev-mode reload, a second test profile) finds it and keeps it.
        assertThat(config(Map.of()).getValue("quarkus.datasource.reactive.url", String.class))
                .endsWith("/" + database);
        assertThat(exists(database)).isTrue();
    }

    @Test
    void anExplicitUrlWinsAndNoDatabaseIsCreated() throws SQLException {
        String explicit = "postgresql://127.0.0.1:5432/somewhere_else";

        SmallRyeConfig config = config(Map.of("quarkus.datasource.reactive.url", explicit));

        assertThat(config.getValue("quarkus.datasource.reactive.url", String.class))
                .isEqualTo(explicit);
        assertThat(exists(database)).isFalse();
    }

    @Test
    void anExplicitDatabaseNameIsUsedAndCreated() throws SQLException {
        String named = database.replace("_test", "_named");
        try {
            SmallRyeConfig config = config(Map.of("local-services.postgres-database", named));

            assertThat(config.getValue("quarkus.datasource.reactive.url", String.class))
                    .isEqualTo("postgresql://127.0.0.1:5432/" + named);
            assertThat(exists(named)).isTrue();
            assertThat(exists(database)).isFalse();
        } finally {
            try (Connection connection = local();
                    Statement drop = connection.createStatement()) {
                drop.execute("DROP DATABASE IF EXISTS \"" + named + "\" WITH (FORCE)");
            }
        }
    }

    /** The test profile's configuration: application.properties (250), the explicit settings as environment (300). */
    private SmallRyeConfig config(Map<String, String> explicit) {
        Map<String, String> properties = new HashMap<>();
        properties.put("quarkus.application.name", application);
        properties.put("local-services.use-container-engine", "false");
        return new SmallRyeConfigBuilder()
                .withProfile("test")
                .withSources(new PropertiesConfigSource(properties, "application.properties", 250))
                .withSources(new PropertiesConfigSource(explicit, "environment", 300))
                .withSources(new LocalServicesConfigSourceFactory())
                .build();
    }

    private static boolean exists(String name) throws SQLException {
        try (Connection connection = local();
                PreparedStatement query = connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            query.setString(1, name);
            try (ResultSet found = query.executeQuery()) {
                return found.next();
            }
        }
    }

    private static Connection local() throws SQLException {
        Properties login = new Properties();
        login.setProperty("user", "postgres");
        return new Driver().connect(LOCAL, login);
    }
}
