package dev.cachepatterns.leaderboards;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import dev.cachepatterns.support.PackagedApp;
import dev.cachepatterns.support.RedisMonitor;
import dev.cachepatterns.support.TwoInstances;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two packaged instances on one Redis and one Postgres ({@link TwoInstances}): one instance at a time rebuilds a hot
 * leaderboard (MONITOR shows the lock spans never overlap) while both take scores, and both serve the ranking Postgres
 * computes. Run by failsafe in {@code ./mvnw verify}; skipped without the jar.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LeaderboardsTwoInstancesPackagedIT {

    private TwoInstances two;
    private PackagedApp a;
    private PackagedApp b;

    @BeforeAll
    void startTwoInstances() throws Exception {
        Assumptions.assumeTrue(PackagedApp.jarExists(), "packaged app missing: run ./mvnw package first");
        two = TwoInstances.start(
                getClass().getSimpleName(),
                Map.of(
                        "CACHE_LEADERBOARDS_TTL", "3s",
                        "CACHE_LEADERBOARDS_REFRESH_AHEAD_FRACTION", "0.5",
                        "CACHE_LEADERBOARDS_SCHEDULE_INTERVAL", "1s"));
        a = two.a();
        b = two.b();
    }

    @AfterAll
    void stopEverything() throws Exception {
        if (two != null) {
            two.close();
        }
    }

    private HttpResponse<String> send(PackagedApp app, String method, String path) {
        return two.send(app, method, path);
    }

    private HttpResponse<String> send(PackagedApp app, String method, String path, String json) {
        return two.send(app, method, path, json);
    }

    @Test
    void oneInstanceAtATimeRebuildsAHotLeaderboardAndItStaysCorrect() throws Exception {
        String board = "two-" + UUID.randomUUID().toString().substring(0, 8);
        // A few thousand players, so a rebuild takes long enough for the instances' attempts to meet.
        try (Connection connection = two.connect();
                PreparedStatement insert =
                        connection.prepareStatement("INSERT INTO score_events (board, player, points) "
                                + "SELECT ?, 'p' || g, g % 1000 FROM generate_series(1, 5000) g")) {
            insert.setString(1, board);
            insert.executeUpdate();
        }
        double refreshesBeforeA = refreshes(a);
        double refreshesBeforeB = refreshes(b);

        try (RedisMonitor monitor = RedisMonitor.start(two.redis().port())) {
            // Reads on both instances keep the board hot; scores arrive on both while it is rebuilt again and again.
            long until = System.nanoTime() + Duration.ofSeconds(12).toNanos();
            for (int round = 0; System.nanoTime() < until; round++) {
                PackagedApp app = round % 2 == 0 ? a : b;
                assertThat(send(app, "GET", "/leaderboards/" + board + "?limit=5")
                                .statusCode())
                        .isEqualTo(200);
                String score = "{\"player\":\"q" + (round % 50) + "\",\"points\":" + (round % 7 + 1) + "}";
                assertThat(send(app, "POST", "/leaderboards/" + board + "/scores", score)
                                .statusCode())
                        .isEqualTo(200);
            }
            // The board stays hot for the hot window: both schedulers keep competing for it.
            Awaitility.await()
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> refreshes(a) > refreshesBeforeA && refreshes(b) > refreshesBeforeB);
            List<RedisMonitor.Command> commands = monitor.drain();
            List<long[]> holds = lockHolds(commands, "cp:lb:{" + board + "}:lock");
            System.out.printf(
                    "two instances, leaderboard: %d rebuilds under the lock, refreshes a=%.0f b=%.0f, lock busy a=%.0f b=%.0f%n",
                    holds.size(),
                    refreshes(a) - refreshesBeforeA,
                    refreshes(b) - refreshesBeforeB,
                    a.metric("refresh_ahead_lock_busy_total", "cache=\"leaderboards\""),
                    b.metric("refresh_ahead_lock_busy_total", "cache=\"leaderboards\""));
            assertThat(holds).as("rebuilds seen under the lock").hasSizeGreaterThanOrEqualTo(4);
            for (int i = 1; i < holds.size(); i++) {
                assertThat(holds.get(i)[0])
                        .as("rebuild %d took the lock only after rebuild %d released it", i, i - 1)
                        .isGreaterThan(holds.get(i - 1)[1]);
            }
        }

        Map<String, Long> expected = topFromPostgres(board, 100);
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            for (PackagedApp app : List.of(a, b)) {
                // Entry lists, so the order (total desc, then player) is compared too.
                assertThat(new ArrayList<>(topFromApi(app, board).entrySet()))
                        .isEqualTo(new ArrayList<>(expected.entrySet()));
            }
        });
    }
    /**
     * Each rebuild that held {@code lockKey}, as [position of its SET NX, position of the DEL that ended it] in the
     * MONITOR stream, in order. A SET's token is a holder's when it appears again (only a holder sends it on); its hold
     * ends at the first DEL of the lock after it — the swap script's, or the release script's when there was no swap —
     * not at the token's last use: the release that follows a swap is a harmless compare-and-delete that may run after
     * the next holder took the lock.
     */
    private static List<long[]> lockHolds(List<RedisMonitor.Command> commands, String lockKey) {
        Map<String, long[]> byToken = new LinkedHashMap<>();
        Set<String> usedAgain = new HashSet<>();
        for (int i = 0; i < commands.size(); i++) {
            RedisMonitor.Command command = commands.get(i);
            List<String> args = command.args();
            if (args.size() >= 3 && command.name().equals("SET") && args.get(1).equals(lockKey)) {
                byToken.putIfAbsent(args.get(2), new long[] {i, -1});
            } else if (command.name().equals("DEL") && args.contains(lockKey)) {
                for (long[] hold : byToken.values()) {
                    if (hold[1] < 0) {
                        hold[1] = i;
                    }
                }
            } else if (args.contains(lockKey)) {
                args.stream().filter(byToken::containsKey).forEach(usedAgain::add);
            }
        }
        return byToken.entrySet().stream()
                .filter(hold -> usedAgain.contains(hold.getKey()))
                .map(Map.Entry::getValue)
                .toList();
    }

    private static double refreshes(PackagedApp app) {
        return app.metric("refresh_ahead_refreshes_total", "cache=\"leaderboards\"");
    }
    /** Player → total of the top {@code limit}, in rank order, as the API orders it (total desc, then player). */
    private Map<String, Long> topFromPostgres(String board, int limit) throws SQLException {
        Map<String, Long> top = new LinkedHashMap<>();
        try (Connection connection = two.connect();
                PreparedStatement query = connection.prepareStatement("SELECT player, SUM(points) AS total "
                        + "FROM score_events WHERE board = ? GROUP BY player ORDER BY total DESC, player LIMIT ?")) {
            query.setString(1, board);
            query.setInt(2, limit);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    top.put(rows.getString(1), rows.getLong(2));
                }
            }
        }
        return top;
    }

    private Map<String, Long> topFromApi(PackagedApp app, String board) {
        HttpResponse<String> reply = send(app, "GET", "/leaderboards/" + board + "?limit=100");
        assertThat(reply.statusCode()).isEqualTo(200);
        Map<String, Long> top = new LinkedHashMap<>();
        java.util.regex.Matcher entry = java.util.regex.Pattern.compile(
                        "\\{\"rank\":\\d+,\"player\":\"([^\"]+)\",\"score\":(-?\\d+)}")
                .matcher(reply.body());
        while (entry.find()) {
            top.put(entry.group(1), Long.parseLong(entry.group(2)));
        }
        return top;
    }
}
