package dev.cachepatterns.platform;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import dev.cachepatterns.support.PackagedApp;
import dev.cachepatterns.support.RedisMonitor;
import dev.cachepatterns.support.RedisServer;
import dev.cachepatterns.support.RedisWire;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two instances of the packaged app on one Redis (the test's own) and one Postgres database (created fresh for this
 * test): a cold hot key is loaded once over both, the write-behind flushers share the backlog and apply every
 * increment exactly once (also when one instance is killed with pending entries), and one instance at a time rebuilds
 * a leaderboard. Run by failsafe in {@code ./mvnw verify} (the packaged-app execution); skipped without the jar.
 *
 * <p>The Redis time-out is raised to 2 s and the users lock wait to 5 s: on a busy two-core machine a 250 ms time-out
 * sends a read to Postgres by design (a fallback), and this test is about coordination, not latency.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TwoInstancesPackagedIT {

    private static final String STREAM = "cp:wb:{posts}:stream";
    private static final String GROUP = "flushers";

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private RedisServer redis;
    private String database;
    private PackagedApp a;
    private PackagedApp b;

    @BeforeAll
    void startTwoInstances() throws Exception {
        Assumptions.assumeTrue(PackagedApp.jarExists(), "packaged app missing: run ./mvnw package first");
        redis = new RedisServer(List.of()).start();
        database = "cp_two_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection admin = connect("postgres");
                Statement statement = admin.createStatement()) {
            statement.execute("CREATE DATABASE " + database);
        }
        a = start("a");
        b = start("b");
    }

    @AfterAll
    void stopEverything() throws Exception {
        for (PackagedApp app : new PackagedApp[] {a, b}) {
            if (app != null) {
                app.close();
            }
        }
        if (redis != null) {
            redis.stop();
        }
        if (database != null) {
            try (Connection admin = connect("postgres");
                    Statement statement = admin.createStatement()) {
                statement.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
            }
        }
    }

    private PackagedApp start(String name) {
        Map<String, String> env = new HashMap<>();
        env.put("CACHE_REDIS_TIMEOUT", "2s");
        env.put("CACHE_USERS_LOCK_WAIT", "5s");
        env.put("WRITE_BEHIND_POSTS_CONSUMER_NAME", "instance-" + name);
        env.put("WRITE_BEHIND_POSTS_BATCH_SIZE", "10");
        env.put("WRITE_BEHIND_POSTS_MAX_BATCHES_PER_CYCLE", "1");
        env.put("WRITE_BEHIND_POSTS_FLUSH_INTERVAL", "0.05s");
        env.put("WRITE_BEHIND_POSTS_CLAIM_IDLE", "1s");
        env.put("CACHE_LEADERBOARDS_TTL", "3s");
        env.put("CACHE_LEADERBOARDS_REFRESH_AHEAD_FRACTION", "0.5");
        env.put("CACHE_LEADERBOARDS_SCHEDULE_INTERVAL", "1s");
        return PackagedApp.start(
                "two-instances-" + name, RedisServer.freePort(), redis.uri(), databaseUrl(database), env);
    }

    @Test
    @Order(1)
    void aColdHotKeyHammeredOnBothInstancesIsLoadedOnce() throws Exception {
        long warm = createUser("Warm");
        for (PackagedApp app : List.of(a, b)) {
            for (int i = 0; i < 20; i++) {
                assertThat(send(app, "GET", "/users/" + warm).statusCode()).isEqualTo(200);
            }
        }
        long id = createUser("Hot");
        try (RedisWire wire = RedisWire.connect(redis.port())) {
            assertThat(wire.callLong("EXISTS", "cp:users:" + id, "cp:users:lock:" + id))
                    .as("the new user is cold")
                    .isZero();
        }
        double loadsBefore = usersLoads();

        List<CompletableFuture<HttpResponse<String>>> replies = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            PackagedApp app = i % 2 == 0 ? a : b;
            replies.add(http.sendAsync(
                    HttpRequest.newBuilder(app.uri("/users/" + id))
                            .timeout(Duration.ofSeconds(60))
                            .build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);

        Set<String> bodies = new HashSet<>();
        for (CompletableFuture<HttpResponse<String>> reply : replies) {
            assertThat(reply.get().statusCode()).isEqualTo(200);
            bodies.add(reply.get().body());
        }
        assertThat(bodies).hasSize(1);
        assertThat(bodies.iterator().next()).contains("\"id\":" + id).contains("\"name\":\"Hot\"");
        System.out.printf("two instances, cold hot key: 200 GETs, %.0f database load(s)%n", usersLoads() - loadsBefore);
        assertThat(usersLoads() - loadsBefore)
                .as("database loads of the hot key over both instances")
                .isEqualTo(1.0);
    }

    @Test
    @Order(2)
    void oneInstanceAtATimeRebuildsAHotLeaderboardAndItStaysCorrect() throws Exception {
        String board = "two-" + UUID.randomUUID().toString().substring(0, 8);
        // A few thousand players, so a rebuild takes long enough for the instances' attempts to meet.
        try (Connection connection = connect(database);
                PreparedStatement insert =
                        connection.prepareStatement("INSERT INTO score_events (board, player, points) "
                                + "SELECT ?, 'p' || g, g % 1000 FROM generate_series(1, 5000) g")) {
            insert.setString(1, board);
            insert.executeUpdate();
        }
        double refreshesBeforeA = refreshes(a);
        double refreshesBeforeB = refreshes(b);

        try (RedisMonitor monitor = RedisMonitor.start(redis.port())) {
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

    @Test
    @Order(3)
    void bothFlushersShareTheBacklogAndAKilledOnesEntriesAreTakenOverExactlyOnce() throws Exception {
        String slug = "two-" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(send(
                                a,
                                "POST",
                                "/posts",
                                "{\"slug\":\"" + slug + "\",\"title\":\"Two\",\"body\":\"x\",\"authorId\":1}")
                        .statusCode())
                .isEqualTo(201);

        // 1. Views through both instances, both flushers running.
        int views = 1_500;
        assertThat(sendIncrements(slug, "views", views, true)).isEqualTo(views);
        Awaitility.await()
                .atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> countsInPostgres(slug)[0] >= views);
        assertThat(countsInPostgres(slug)[0]).isEqualTo(views);
        assertThat(flushed(a)).as("instance a flushed").isPositive();
        assertThat(flushed(b)).as("instance b flushed").isPositive();
        System.out.printf(
                "two instances, write-behind: %d views, flushed a=%.0f b=%.0f%n", views, flushed(a), flushed(b));
        // A view whose Redis call failed is written to Postgres at once (counted as synchronous), not flushed.
        assertThat(flushed(a) + flushed(b) + synchronous(a) + synchronous(b)).isEqualTo(views);
        assertThat(ledgerRows()).as("one ledger row per accepted view").isEqualTo(views);

        // 2. Likes accepted by b while a flushes; a is frozen while it holds unacknowledged entries, then killed.
        AtomicBoolean sending = new AtomicBoolean(true);
        AtomicInteger likes = new AtomicInteger();
        CompletableFuture<Void> sender = CompletableFuture.runAsync(() -> {
            while (sending.get()) {
                if (send(b, "POST", "/posts/" + slug + "/likes").statusCode() == 202) {
                    likes.incrementAndGet();
                }
            }
        });
        long pendingAtKill;
        try (RedisWire wire = RedisWire.connect(redis.port())) {
            pendingAtKill = freezeWhileHoldingEntries(wire);
            a.kill();
            a = null;
            int atKill = likes.get();
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> likes.get() >= atKill + 100);
            sending.set(false);
            sender.get(30, TimeUnit.SECONDS);

            // 3. b claims the dead consumer's entries (XAUTOCLAIM after claim-idle) and applies each once.
            Awaitility.await()
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> pendingOf(wire, "instance-a") == 0 && countsInPostgres(slug)[1] >= likes.get());
        }
        System.out.printf(
                "two instances, kill: a held %d unacknowledged entries at SIGKILL; %d likes accepted%n",
                pendingAtKill, likes.get());
        assertThat(pendingAtKill).isPositive();
        assertThat(countsInPostgres(slug)).containsExactly(views, likes.get());
        assertThat(ledgerRows()).isEqualTo(views + likes.get());
        try (RedisWire wire = RedisWire.connect(redis.port())) {
            assertThat(wire.call("HGETALL", "cp:wb:{posts}:pending")).isEqualTo(List.of());
            assertThat(wire.callLong("XLEN", "cp:wb:{posts}:dead")).isZero();
        }
    }

    /** Freezes instance a at a moment it holds delivered, unacknowledged entries; returns how many it holds. */
    private long freezeWhileHoldingEntries(RedisWire wire) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (pendingOf(wire, "instance-a") > 0) {
                a.pause();
                long held = pendingOf(wire, "instance-a");
                if (held > 0) {
                    return held;
                }
                a.resume();
            }
        }
        throw new AssertionError("instance a never held pending entries");
    }

    /** Entries delivered to {@code consumer} and not acknowledged ({@code XPENDING} summary). */
    private static long pendingOf(RedisWire wire, String consumer) {
        Object reply = wire.call("XPENDING", STREAM, GROUP);
        if (!(reply instanceof List<?> summary) || !(summary.get(3) instanceof List<?> consumers)) {
            return 0;
        }
        for (Object entry : consumers) {
            List<?> pair = (List<?>) entry;
            if (consumer.equals(pair.get(0))) {
                return Long.parseLong((String) pair.get(1));
            }
        }
        return 0;
    }

    /**
     * Each rebuild that held {@code lockKey}, as [position of its SET NX, position of its release] in the MONITOR
     * stream, in order. A token is a holder's when it appears again after its SET (only a holder releases).
     */
    private static List<long[]> lockHolds(List<RedisMonitor.Command> commands, String lockKey) {
        Map<String, long[]> byToken = new LinkedHashMap<>();
        for (int i = 0; i < commands.size(); i++) {
            List<String> args = commands.get(i).args();
            if (args.size() >= 3
                    && args.get(0).equalsIgnoreCase("SET")
                    && args.get(1).equals(lockKey)) {
                byToken.putIfAbsent(args.get(2), new long[] {i, -1});
            } else if (args.contains(lockKey)) {
                for (String arg : args) {
                    long[] hold = byToken.get(arg);
                    if (hold != null) {
                        hold[1] = i;
                    }
                }
            }
        }
        return byToken.values().stream().filter(hold -> hold[1] >= 0).toList();
    }

    private int sendIncrements(String slug, String field, int count, boolean bothInstances) throws Exception {
        String path = "/posts/" + slug + "/" + field;
        return PackagedApp.acceptedPosts(
                bothInstances ? List.of(a.uri(path), b.uri(path)) : List.of(a.uri(path)), count);
    }

    private long createUser(String name) {
        String body = "{\"name\":\"" + name + "\",\"email\":\"" + name.toLowerCase() + "-" + UUID.randomUUID()
                + "@example.com\",\"avatarUrl\":\"https://img.example.com/a.png\"}";
        HttpResponse<String> reply = send(a, "POST", "/users", body);
        assertThat(reply.statusCode()).isEqualTo(201);
        String json = reply.body();
        int at = json.indexOf("\"id\":") + "\"id\":".length();
        int end = at;
        while (Character.isDigit(json.charAt(end))) {
            end++;
        }
        return Long.parseLong(json.substring(at, end));
    }

    private double usersLoads() {
        return a.metric("cache_loads_total", "cache=\"users\"") + b.metric("cache_loads_total", "cache=\"users\"");
    }

    private static double refreshes(PackagedApp app) {
        return app.metric("refresh_ahead_refreshes_total", "cache=\"leaderboards\"");
    }

    private static double flushed(PackagedApp app) {
        return app.metric("write_behind_flushed_total", "name=\"posts\"");
    }

    private static double synchronous(PackagedApp app) {
        return app.metric("write_behind_synchronous_total", "name=\"posts\"");
    }

    /** Player → total of the top {@code limit}, in rank order, as the API orders it (total desc, then player). */
    private Map<String, Long> topFromPostgres(String board, int limit) throws SQLException {
        Map<String, Long> top = new LinkedHashMap<>();
        try (Connection connection = connect(database);
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

    private long[] countsInPostgres(String slug) throws SQLException {
        try (Connection connection = connect(database);
                PreparedStatement query =
                        connection.prepareStatement("SELECT views, likes FROM posts WHERE slug = ?")) {
            query.setString(1, slug);
            try (ResultSet rows = query.executeQuery()) {
                assertThat(rows.next()).isTrue();
                return new long[] {rows.getLong(1), rows.getLong(2)};
            }
        }
    }

    private long ledgerRows() throws SQLException {
        try (Connection connection = connect(database);
                Statement statement = connection.createStatement();
                ResultSet rows =
                        statement.executeQuery("SELECT count(*), count(DISTINCT id) FROM write_behind_applied")) {
            rows.next();
            assertThat(rows.getLong(2)).isEqualTo(rows.getLong(1));
            return rows.getLong(1);
        }
    }

    private HttpResponse<String> send(PackagedApp app, String method, String path) {
        return send(app, method, path, null);
    }

    private HttpResponse<String> send(PackagedApp app, String method, String path, String json) {
        HttpRequest.Builder request = HttpRequest.newBuilder(app.uri(path)).timeout(Duration.ofSeconds(30));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        request.method(
                method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Connection connect(String db) throws SQLException {
        return DriverManager.getConnection("jdbc:" + databaseUrl(db), "postgres", "");
    }

    /** The default test Postgres server, database {@code db}. */
    private static String databaseUrl(String db) {
        String url = PackagedApp.defaultReactiveUrl();
        int slash = url.lastIndexOf('/');
        int query = url.indexOf('?', slash);
        return url.substring(0, slash + 1) + db + (query < 0 ? "" : url.substring(query));
    }
}
