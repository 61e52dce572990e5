package dev.cachepatterns.users;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import jakarta.inject.Inject;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/**
 * Writes that do not go through the service reach its cache: an UPDATE on a plain JDBC connection is seen through
 * {@code GET /users/{id}} within a second (the trigger's NOTIFY, the listener's DEL), and so is an INSERT of an id
 * that was cached as absent; a statement that changes more rows
 * than a notification names drops the whole cache; and a listener whose backend is killed while rows change drops the
 * whole cache when it reconnects, so no read after that is stale. Also logs the delay from an UPDATE's commit to the
 * entry's removal (p50/p99).
 */
@QuarkusTest
@TestProfile(SourceFollowingProfile.class)
class UserSourceInvalidationTest {

    private static final Logger LOG = Logger.getLogger(UserSourceInvalidationTest.class);
    private static final Duration VISIBLE_WITHIN = Duration.ofSeconds(1);
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String CHANNEL = "cp_users_changed";

    @Inject
    RedisDataSource redis;

    @Inject
    MeterRegistry registry;

    @ConfigProperty(name = "cache.users.key-prefix")
    String keyPrefix;

    @ConfigProperty(name = "quarkus.datasource.reactive.url")
    String databaseUrl;

    @ConfigProperty(name = "quarkus.datasource.username")
    String databaseUser;

    @Test
    void anUpdateOnAPlainConnectionIsSeenThroughGetWithinOneSecond() throws Exception {
        long id = Users.create("Plain Before");
        awaitListening();
        readName(id, "Plain Before");
        readName(id, "Plain Before"); // cached now

        try (Connection jdbc = jdbc()) {
            execute(jdbc, "UPDATE users SET name = 'Plain After' WHERE id = " + id);
        }

        Awaitility.await()
                .atMost(VISIBLE_WITHIN)
                .pollInterval(Duration.ofMillis(10))
                .untilAsserted(() -> readName(id, "Plain After"));
    }

    @Test
    void anInsertOnAPlainConnectionReplacesTheAbsentMarkerWithinOneSecond() throws Exception {
        awaitListening();
        // The first one warms the path (a cold JVM on a busy machine), the second one is held to the second.
        insertAfterAbsent(9_000_000_000_000L + (System.nanoTime() % 1_000_000_000L), WAIT);
        insertAfterAbsent(9_100_000_000_000L + (System.nanoTime() % 1_000_000_000L), VISIBLE_WITHIN);
    }

    private void insertAfterAbsent(long id, Duration within) throws SQLException {
        given().get("/users/{id}", id).then().statusCode(404); // "absent" is cached now (for 60 s)
        given().get("/users/{id}", id).then().statusCode(404);
        try (Connection jdbc = jdbc()) {
            execute(jdbc, "INSERT INTO users (id, name, email) VALUES (" + id + ", 'Inserted', 'i-" + id + "@x.org')");
        }
        Awaitility.await()
                .atMost(within)
                .pollInterval(Duration.ofMillis(10))
                .untilAsserted(() -> readName(id, "Inserted"));
    }

    @Test
    void aStatementThatChangesManyRowsDropsTheWholeCache() throws Exception {
        awaitListening();
        List<Long> ids = new ArrayList<>();
        try (Connection jdbc = jdbc();
                ResultSet rows = jdbc.createStatement()
                        .executeQuery(
                                "INSERT INTO users (name, email) SELECT 'Many ' || n, 'many-' || n || '-'"
                                        + " || gen_random_uuid() || '@example.com' FROM generate_series(1, 60) n RETURNING id")) {
            while (rows.next()) {
                ids.add(rows.getLong(1));
            }
        }
        long one = ids.get(0);
        readName(one, "Many 1");
        readName(one, "Many 1");
        double before = bumps("table");

        try (Connection jdbc = jdbc()) {
            execute(
                    jdbc,
                    "UPDATE users SET name = name || ' renamed' WHERE id BETWEEN " + ids.get(0) + " AND "
                            + ids.get(ids.size() - 1));
        }

        Awaitility.await()
                .atMost(VISIBLE_WITHIN)
                .pollInterval(Duration.ofMillis(10))
                .untilAsserted(() -> readName(one, "Many 1 renamed"));
        assertThat(bumps("table")).isGreaterThan(before);
    }

    @Test
    void changesMadeWhileTheListenerIsDisconnectedAreNotServedStaleAfterItReconnects() throws Exception {
        long first = Users.create("Gap First");
        long second = Users.create("Gap Second");
        awaitListening();
        readName(first, "Gap First");
        readName(second, "Gap Second");
        double before = bumps("reconnect");

        try (Connection jdbc = jdbc()) {
            // Kill the listener, then change rows at once: their notifications go to nobody.
            execute(
                    jdbc,
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database()"
                            + " AND query ILIKE 'LISTEN%" + CHANNEL + "%'");
            execute(jdbc, "UPDATE users SET name = 'Gap First changed' WHERE id = " + first);
            execute(jdbc, "UPDATE users SET name = 'Gap Second changed' WHERE id = " + second);
        }

        Awaitility.await().atMost(WAIT).until(() -> bumps("reconnect") > before);
        awaitListening();
        readName(first, "Gap First changed");
        readName(second, "Gap Second changed");
    }

    @Test
    void notificationDelays() throws Exception {
        awaitListening();
        long id = Users.create("Delay 0");
        List<Long> micros = new ArrayList<>();
        try (Connection jdbc = jdbc();
                PreparedStatement rename = jdbc.prepareStatement("UPDATE users SET name = ? WHERE id = ?")) {
            for (int round = 1; round <= 200; round++) {
                readName(id, "Delay " + (round - 1));
                String key = currentKey(id);
                Awaitility.await().atMost(WAIT).until(() -> redis.key().exists(key));
                rename.setString(1, "Delay " + round);
                rename.setLong(2, id);
                rename.executeUpdate(); // autocommit: the NOTIFY is sent when this returns
                long committed = System.nanoTime();
                Awaitility.await()
                        .atMost(WAIT)
                        .pollDelay(Duration.ZERO)
                        .pollInterval(Duration.ofMillis(1))
                        .until(() -> !redis.key().exists(key));
                micros.add((System.nanoTime() - committed) / 1000);
            }
        }
        Collections.sort(micros);
        LOG.infof(
                "notification delay (commit to entry removed), %d samples: p50 %.1f ms, p99 %.1f ms, max %.1f ms",
                micros.size(),
                micros.get(micros.size() / 2) / 1000.0,
                micros.get(micros.size() * 99 / 100) / 1000.0,
                micros.get(micros.size() - 1) / 1000.0);
    }

    private String currentKey(long id) {
        String generation = redis.value(String.class).get(keyPrefix + ":gen:current");
        long current = generation == null ? 0 : Long.parseLong(generation);
        return current <= 0 ? keyPrefix + ":" + id : keyPrefix + ":g" + current + ":" + id;
    }

    private static void readName(long id, String name) {
        given().get("/users/{id}", id).then().statusCode(200).body("name", equalTo(name));
    }

    private void awaitListening() {
        Awaitility.await().atMost(WAIT).until(() -> {
            try (Connection jdbc = jdbc();
                    ResultSet rows = jdbc.createStatement()
                            .executeQuery("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                                    + " AND query ILIKE 'LISTEN%" + CHANNEL + "%'")) {
                return rows.next() && rows.getLong(1) > 0;
            }
        });
    }

    private double bumps(String reason) {
        Counter counter = registry.find("cache.generation.bumps")
                .tags("cache", "users", "reason", reason)
                .counter();
        return counter == null ? 0 : counter.count();
    }

    private Connection jdbc() throws SQLException {
        return DriverManager.getConnection(
                "jdbc:" + databaseUrl.replaceFirst("^vertx-reactive:", ""), databaseUser, "");
    }

    private static void execute(Connection jdbc, String sql) throws SQLException {
        jdbc.createStatement().execute(sql);
    }
}
