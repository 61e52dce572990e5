package dev.cachepatterns.posts;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import dev.cachepatterns.support.PackagedApp;
import dev.cachepatterns.support.RedisServer;
import dev.cachepatterns.support.auth.Tokens;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged app ({@code target/quarkus-app/quarkus-run.jar}) as a child process against a Redis of the test's own
 * with AOF ({@code appendfsync always}). It accepts views with the flusher off and is killed with SIGKILL, Redis too;
 * then it flushes in tiny batches and is killed again in the middle of the flush; after the last restart Postgres holds
 * exactly the accepted count; and a SIGTERM drains what is pending and exits 0. Run by failsafe in {@code ./mvnw verify}; skipped when the jar is missing.
 */
class PostCrashRecoveryPackagedIT {

    private static final int PORT = RedisServer.freePort();
    private static final int VIEWS = 1000;

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private RedisServer redis;
    private PackagedApp app;

    @AfterEach
    void stopEverything() {
        if (app != null) {
            app.close();
        }
        if (redis != null) {
            redis.stop();
        }
    }

    @Test
    void afterKillsDuringAcceptAndFlushPostgresHoldsExactlyTheAcceptedCount() throws Exception {
        Assumptions.assumeTrue(PackagedApp.jarExists(), "packaged app missing: run ./mvnw package first");
        redis = new RedisServer(List.of("--appendonly", "yes", "--appendfsync", "always")).start();
        String slug = "crash-" + UUID.randomUUID().toString().substring(0, 13);

        // 1. Accept views with the flusher off, then kill the app and Redis without warning.
        app = startApp(Map.of("WRITE_BEHIND_POSTS_FLUSH_ENABLED", "false"), "accept");
        createPost(slug);
        int accepted = sendViews(slug, VIEWS);
        assertThat(accepted).isEqualTo(VIEWS);
        assertThat(viewsViaApi(slug)).isEqualTo(accepted);
        app.kill();
        redis.stop();
        redis.start();

        // 2. Flush five entries per cycle and kill the app while the flush is half-way.
        app = startApp(
                Map.of(
                        "WRITE_BEHIND_POSTS_BATCH_SIZE", "5",
                        "WRITE_BEHIND_POSTS_MAX_BATCHES_PER_CYCLE", "1",
                        "WRITE_BEHIND_POSTS_FLUSH_INTERVAL", "0.02s"),
                "slow-flush");
        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(10))
                .until(() -> viewsInPostgres(slug) > 0);
        app.kill();
        long atKill = viewsInPostgres(slug);
        assertThat(atKill).as("the kill must land in the middle of the flush").isBetween(1L, (long) accepted - 1);

        // 3. Restart: the dead consumer's entries are claimed; replays are recognised by the ledger.
        app = startApp(Map.of(), "recover");
        Awaitility.await()
                .atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> viewsInPostgres(slug) >= accepted);
        assertThat(viewsInPostgres(slug)).isEqualTo(accepted);
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(viewsViaApi(slug)).isEqualTo(accepted));
        assertThat(viewsInPostgres(slug)).isEqualTo(accepted);
        app.stop();

        // 4. Graceful shutdown: no cycle runs within the hour, so only the final drain on SIGTERM can apply these. A
        // view
        // whose Redis call timed out (a starved CPU) was written to Postgres at once instead, and counted as such.
        app = startApp(Map.of("WRITE_BEHIND_POSTS_FLUSH_INTERVAL", "1h"), "graceful");
        int late = sendViews(slug, 50);
        long writtenAtOnce = (long) app.metric("write_behind_synchronous_total", "name=\"posts\"");
        assertThat(writtenAtOnce).as("views written synchronously").isLessThan(late);
        assertThat(viewsInPostgres(slug)).isEqualTo(accepted + writtenAtOnce);
        // SIGTERM, the orchestrators' stop: the drain runs, and a clean stop exits 0 (platform/TerminationSignal).
        assertThat(app.stop()).as("exit status after SIGTERM").isZero();
        assertThat(viewsInPostgres(slug)).isEqualTo(accepted + late);
    }

    private PackagedApp startApp(Map<String, String> extraEnv, String label) {
        Map<String, String> env = new HashMap<>(Map.of("WRITE_BEHIND_POSTS_CLAIM_IDLE", "1s"));
        env.putAll(extraEnv);
        return PackagedApp.start("crash-it-" + label, PORT, redis.uri(), reactiveUrl(), env);
    }

    private void createPost(String slug) throws Exception {
        String body = "{\"slug\":\"" + slug + "\",\"title\":\"Crash\",\"body\":\"kill -9\",\"authorId\":1}";
        int status = status(HttpRequest.newBuilder(uri("/posts"))
                .header("Content-Type", "application/json")
                .header("Authorization", Tokens.bearerWriter())
                .POST(HttpRequest.BodyPublishers.ofString(body)));
        assertThat(status).isEqualTo(201);
    }

    private int sendViews(String slug, int count) throws Exception {
        return PackagedApp.acceptedWrites(List.of(uri("/posts/" + slug + "/views")), count);
    }

    private long viewsViaApi(String slug) throws Exception {
        HttpResponse<String> reply =
                http.send(HttpRequest.newBuilder(uri("/posts/" + slug)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(reply.statusCode()).isEqualTo(200);
        String json = reply.body();
        int at = json.indexOf("\"views\":") + "\"views\":".length();
        int end = at;
        while (end < json.length() && Character.isDigit(json.charAt(end))) {
            end++;
        }
        return Long.parseLong(json.substring(at, end));
    }

    private int status(HttpRequest.Builder request) {
        try {
            return http.send(request.timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + PORT + path);
    }

    private static String reactiveUrl() {
        return PackagedApp.defaultReactiveUrl();
    }

    private static long viewsInPostgres(String slug) throws SQLException {
        try (Connection connection = DriverManager.getConnection("jdbc:" + reactiveUrl(), "postgres", "");
                PreparedStatement query = connection.prepareStatement("SELECT views FROM posts WHERE slug = ?")) {
            query.setString(1, slug);
            try (ResultSet rows = query.executeQuery()) {
                return rows.next() ? rows.getLong(1) : -1;
            }
        }
    }
}
