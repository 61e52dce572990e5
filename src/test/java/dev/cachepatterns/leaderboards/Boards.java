package dev.cachepatterns.leaderboards;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.restassured.http.ContentType;

import static io.restassured.RestAssured.given;

/** Test helpers: unique boards, submissions through the API, and the ranking computed by Postgres itself. */
final class Boards {

    private Boards() {}

    static String unique(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static void submit(String board, String player, long points) {
        given().contentType(ContentType.JSON)
                .body(Map.of("player", player, "points", points))
                .post("/leaderboards/{board}/scores", board)
                .then()
                .statusCode(200);
    }

    /** A player's expected line: what Postgres computes from the events. */
    record Expected(long rank, String player, long score) {}

    static List<Expected> computedByPostgres(DataSource dataSource, String board) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement query = connection.prepareStatement(
                        "SELECT player, SUM(points) AS total FROM score_events WHERE board = ?"
                                + " GROUP BY player ORDER BY total DESC, player COLLATE \"C\"")) {
            query.setString(1, board);
            List<Expected> expected = new ArrayList<>();
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    expected.add(new Expected(expected.size() + 1, rows.getString(1), rows.getLong(2)));
                }
            }
            return expected;
        }
    }

    /**
     * Holds an ACCESS EXCLUSIVE lock on score_events until closed: every read of the table (a rebuild) waits for it.
     */
    static AutoCloseable lockScoreEvents(DataSource dataSource) throws SQLException {
        Connection connection = dataSource.getConnection();
        connection.setAutoCommit(false);
        try (Statement statement = connection.createStatement()) {
            statement.execute("LOCK TABLE score_events IN ACCESS EXCLUSIVE MODE");
        }
        return () -> {
            connection.rollback();
            connection.close();
        };
    }

    static double refreshes(MeterRegistry registry, String trigger) {
        Counter counter = registry.find("refresh.ahead.refreshes")
                .tag("cache", LeaderboardService.CACHE)
                .tag("trigger", trigger)
                .counter();
        return counter == null ? 0 : counter.count();
    }

    static double refreshes(MeterRegistry registry) {
        return refreshes(registry, "read") + refreshes(registry, "schedule");
    }

    /** Where a board's cached ranking lives (docs/refresh-ahead.md): {@code <prefix>:{<board>}:scores}. */
    static String scoresKey(String keyPrefix, String board) {
        return keyPrefix + ":{" + board + "}:scores";
    }

    /** The key that exists exactly while a board is cached, with its TTL: {@code <prefix>:{<board>}:refreshed-at}. */
    static String refreshedAtKey(String keyPrefix, String board) {
        return keyPrefix + ":{" + board + "}:refreshed-at";
    }
}
