package dev.cachepatterns.posts;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import dev.cachepatterns.support.PackagedApp;
import dev.cachepatterns.support.RedisWire;
import dev.cachepatterns.support.TwoInstances;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two packaged instances on one Redis and one Postgres ({@link TwoInstances}): the write-behind flushers share the
 * backlog and apply every increment exactly once, also when one instance is frozen while it holds unacknowledged
 * entries and then SIGKILLed (the other claims them). Run by failsafe in {@code ./mvnw verify}; skipped without the jar.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PostsTwoInstancesPackagedIT {

    private static final String STREAM = "cp:wb:{posts}:stream";
    private static final String GROUP = "flushers";

    private TwoInstances two;
    private PackagedApp a;
    private PackagedApp b;

    @BeforeAll
    void startTwoInstances() throws Exception {
        Assumptions.assumeTrue(PackagedApp.jarExists(), "packaged app missing: run ./mvnw package first");
        two = TwoInstances.start(
                getClass().getSimpleName(),
                Map.of(
                        "WRITE_BEHIND_POSTS_CONSUMER_NAME", "instance-{name}",
                        "WRITE_BEHIND_POSTS_BATCH_SIZE", "10",
                        "WRITE_BEHIND_POSTS_MAX_BATCHES_PER_CYCLE", "1",
                        "WRITE_BEHIND_POSTS_FLUSH_INTERVAL", "0.05s",
                        "WRITE_BEHIND_POSTS_CLAIM_IDLE", "1s"));
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
        try (RedisWire wire = RedisWire.connect(two.redis().port())) {
            pendingAtKill = freezeWhileHoldingEntries(wire);
            two.killA();
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
        try (RedisWire wire = RedisWire.connect(two.redis().port())) {
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

    private int sendIncrements(String slug, String field, int count, boolean bothInstances) throws Exception {
        String path = "/posts/" + slug + "/" + field;
        return PackagedApp.acceptedWrites(
                bothInstances ? List.of(a.uri(path), b.uri(path)) : List.of(a.uri(path)), count);
    }

    private static double flushed(PackagedApp app) {
        return app.metric("write_behind_flushed_total", "name=\"posts\"");
    }

    private static double synchronous(PackagedApp app) {
        return app.metric("write_behind_synchronous_total", "name=\"posts\"");
    }

    private long[] countsInPostgres(String slug) throws SQLException {
        try (Connection connection = two.connect();
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
        try (Connection connection = two.connect();
                Statement statement = connection.createStatement();
                ResultSet rows =
                        statement.executeQuery("SELECT count(*), count(DISTINCT id) FROM write_behind_applied")) {
            rows.next();
            assertThat(rows.getLong(2)).isEqualTo(rows.getLong(1));
            return rows.getLong(1);
        }
    }
}
