package dev.cachepatterns.users;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import dev.cachepatterns.support.PackagedApp;
import dev.cachepatterns.support.RedisServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A freshly started packaged app, on a CPU kept busy by other processes, takes a burst of 200 concurrent reads of one
 * cold user: Redis is slow to reach only because this machine is busy, so the circuit stays closed, nothing falls back
 * to Postgres and the user is loaded once. Three fresh starts, each with a user of its own. Run by failsafe in {@code
 * ./mvnw verify}; skipped when the jar is missing.
 */
class UsersBusyStartPackagedIT {

    private static final int PORT = RedisServer.freePort();
    private static final int STARTS = 3;
    private static final int BURST = 200;

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    private final List<Process> hogs = new ArrayList<>();
    private RedisServer redis;
    private PackagedApp app;

    @AfterEach
    void stopEverything() {
        hogs.forEach(Process::destroyForcibly);
        if (app != null) {
            app.close();
        }
        if (redis != null) {
            redis.stop();
        }
    }

    @Test
    void aBurstOnAFreshInstanceOnABusyMachineStaysOnRedisAndLoadsOnce() throws Exception {
        Assumptions.assumeTrue(PackagedApp.jarExists(), "packaged app missing: run ./mvnw package first");
        redis = new RedisServer(List.of()).start();
        saturateTheCpu();

        for (int start = 1; start <= STARTS; start++) {
            long began = System.nanoTime();
            // The lock wait is raised: this is about Redis failures, not about how fast a starved CPU loads a row.
            app = PackagedApp.start(
                    "busy-start-" + start,
                    PORT,
                    redis.uri(),
                    PackagedApp.defaultReactiveUrl(),
                    Map.of("CACHE_USERS_LOCK_WAIT", "10s"));
            long readyMillis = (System.nanoTime() - began) / 1_000_000;
            // Inserted behind the app's back (after its migrations ran): nothing has read or cached it yet.
            long id = insertUserDirectly("Busy start " + start);

            double timeoutsBefore = app.metric("cache_redis_command_duration_seconds_count", "outcome=\"timeout\"");
            List<CompletableFuture<HttpResponse<String>>> replies = new ArrayList<>();
            for (int i = 0; i < BURST; i++) {
                replies.add(http.sendAsync(
                        HttpRequest.newBuilder(app.uri("/users/" + id))
                                .timeout(Duration.ofSeconds(60))
                                .build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
            CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);

            for (CompletableFuture<HttpResponse<String>> reply : replies) {
                assertThat(reply.get().statusCode()).isEqualTo(200);
                assertThat(reply.get().body()).contains("\"id\":" + id);
            }
            double loads = app.metric("cache_loads_total", "cache=\"users\"");
            double fallbacks = app.metric("cache_fallbacks_total", "cache=\"users\"");
            double congested = app.metric("cache_redis_congested_total");
            double timeouts = app.metric("cache_redis_command_duration_seconds_count", "outcome=\"timeout\"");
            System.out.printf(
                    "busy start %d: ready after %d ms, %d reads: %.0f load(s), %.0f fallback(s), %.0f congested,"
                            + " %.0f Redis time-out(s) (%.0f before the burst), slowest reply %.0f ms, slowest"
                            + " time-out %.0f ms%n",
                    start,
                    readyMillis,
                    BURST,
                    loads,
                    fallbacks,
                    congested,
                    timeouts,
                    timeoutsBefore,
                    1000 * app.metric("cache_redis_command_duration_seconds_max", "outcome=\"success\""),
                    1000 * app.metric("cache_redis_command_duration_seconds_max", "outcome=\"timeout\""));
            assertThat(fallbacks).as("reads served without Redis").isZero();
            assertThat(loads).as("database loads of the cold user").isEqualTo(1.0);
            assertThat(app.metric("cache_redis_circuit_open")).isZero();
            app.stop();
            app = null;
        }
    }

    /** One busy loop per core plus one, in processes of their own, for as long as the test runs. */
    private void saturateTheCpu() throws Exception {
        int count = Runtime.getRuntime().availableProcessors() + 1;
        for (int i = 0; i < count; i++) {
            hogs.add(new ProcessBuilder("sh", "-c", "while :; do :; done")
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start());
        }
    }

    private static long insertUserDirectly(String name) throws Exception {
        String url = "jdbc:" + PackagedApp.defaultReactiveUrl();
        try (Connection connection = DriverManager.getConnection(url, "postgres", "");
                PreparedStatement insert = connection.prepareStatement(
                        "INSERT INTO users (name, email, avatar_url) VALUES (?, ?, ?) RETURNING id")) {
            insert.setString(1, name);
            insert.setString(2, "busy-" + UUID.randomUUID() + "@example.com");
            insert.setString(3, "https://img.example.com/a.png");
            try (ResultSet rows = insert.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }
}
