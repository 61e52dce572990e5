package dev.cachepatterns.platform.localservices;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Properties;

import org.jboss.logging.Logger;
import org.postgresql.Driver;

/**
 * The database of one service in dev mode or tests on a local Postgres: named after the application ({@code
 * quarkus.application.name}, which scripts/new-service.sh sets to the artifact) and the mode, e.g. {@code
 * cache_patterns_dev} and {@code cache_patterns_test}, and created when missing. Two services (different migrations)
 * on one Postgres then never share a schema history, and the tests never touch what dev mode holds.
 */
public final class LocalDatabase {

    private static final Logger LOG = Logger.getLogger(LocalDatabase.class);
    private static final int MAX_NAME = 63; // Postgres' identifier limit
    // Postgres: "database already exists", when two JVMs create it at once.
    private static final String DUPLICATE_DATABASE = "42P04";

    private LocalDatabase() {}

    /** {@code <application>_dev} or {@code <application>_test}: lower case, anything but letters and digits as _. */
    public static String name(String application, boolean test) {
        String base = application
                .toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9]+", "_")
                .replaceAll("^_+|_+$", "");
        if (base.isEmpty() || Character.isDigit(base.charAt(0))) {
            base = "app_" + base;
        }
        String suffix = test ? "_test" : "_dev";
        return base.substring(0, Math.min(base.length(), MAX_NAME - suffix.length())) + suffix;
    }

    /**
     * Creates {@code database} on the Postgres at {@code host:port} unless it exists, connecting to its {@code postgres}
     * database as {@code user}. Called while the configuration is built, before Flyway runs; a failure is logged, and
     * the migration then reports the missing database.
     */
    public static void ensureExists(String host, int port, String database, String user, String password) {
        Properties login = new Properties();
        login.setProperty("user", user);
        if (password != null) {
            login.setProperty("password", password);
        }
        login.setProperty("connectTimeout", "10");
        login.setProperty("socketTimeout", "30");
        // The driver directly, not DriverManager: it does not look across the class loaders of dev mode.
        try (Connection connection =
                new Driver().connect("jdbc:postgresql://" + host + ":" + port + "/postgres", login)) {
            if (exists(connection, database)) {
                return;
            }
            try (Statement create = connection.createStatement()) {
                create.execute("CREATE DATABASE \"" + database + "\"");
                LOG.infof("created database %s on %s:%d", database, host, port);
            }
        } catch (SQLException e) {
            if (!DUPLICATE_DATABASE.equals(e.getSQLState())) {
                LOG.warnf("could not create database %s on %s:%d: %s", database, host, port, e.getMessage());
            }
        }
    }

    private static boolean exists(Connection connection, String database) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            query.setString(1, database);
            try (ResultSet found = query.executeQuery()) {
                return found.next();
            }
        }
    }
}
