package dev.cachepatterns.platform;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import dev.cachepatterns.support.PackagedApp;
import dev.cachepatterns.support.PostgresServer;
import dev.cachepatterns.support.PrometheusServer;
import dev.cachepatterns.support.PrometheusServer.Alert;
import dev.cachepatterns.support.RedisServer;
import dev.cachepatterns.support.examples.ExampleUnderTest;
import dev.cachepatterns.support.examples.Examples;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The alert rules of {@code deploy/prometheus/alerts.yml} evaluated by a real Prometheus (Debian's package) that
 * scrapes the packaged app, with faults injected into a Redis and a Postgres of the test's own: Redis killed under
 * reads fires {@code RedisCircuitOpen}, which resolves once Redis is back; Postgres stopped under write-behind traffic
 * fires {@code WriteBehindLagHigh}, which resolves once the flusher caught up. The test copy of the rules reads every
 * {@code for:} in seconds instead of minutes and evaluates every second; the expressions and thresholds are the
 * shipped ones (so the lag alert needs the real 30 s of lag). Timings go to {@code target/prometheus-alerts.txt}.
 */
class PrometheusAlertsPackagedIT {

    private static final Path TIMINGS = Path.of("target/prometheus-alerts.txt");
    private static final Duration TRAFFIC_EVERY = Duration.ofMillis(50);

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private RedisServer redis;
    private PostgresServer postgres;
    private PackagedApp app;
    private PrometheusServer prometheus;
    private ScheduledExecutorService traffic;

    /** The one place that says where Prometheus scrapes the app (the management port will move it). */
    private static URI metricsEndpoint(PackagedApp app) {
        return app.managementUri("/q/metrics");
    }

    @AfterEach
    void stopEverything() {
        if (traffic != null) {
            traffic.shutdownNow();
        }
        if (prometheus != null) {
            prometheus.close();
        }
        if (app != null) {
            app.close();
        }
        if (redis != null) {
            redis.stop();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void alertsFireOnInjectedFaultsAndResolveAfterRecovery() throws Exception {
        Assumptions.assumeTrue(PackagedApp.jarExists(), "packaged app missing: run ./mvnw package first");
        if (!PrometheusServer.installed()) {
            // CI installs Debian's prometheus (.ci/run); elsewhere the test says what it needs.
            assertThat(System.getenv("CI")).as("prometheus is installed in CI").isNotEqualTo("true");
            Assumptions.abort("no " + PrometheusServer.BINARY + ": apt-get install prometheus");
        }
        Optional<Supplier<HttpRequest.Builder>> anyCache = Optional.empty();
        Optional<Supplier<HttpRequest.Builder>> anyWriteBehind = Optional.empty();
        redis = new RedisServer(List.of()).start();
        postgres = new PostgresServer().start();
        app = PackagedApp.start(
                "prometheus-alerts-app",
                RedisServer.freePort(),
                redis.uri(),
                postgres.reactiveUrl(),
                Map.of("METRICS_REDIS_INFO_INTERVAL", "1s"));
        prometheus = PrometheusServer.scraping(metricsEndpoint(app));

        assertThat(prometheus.alertingRules()).contains("RedisCircuitOpen", "WriteBehindLagHigh");
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> prometheus.query("up{job=\"cache-patterns\"}") == 1.0);
        assertThat(prometheus.alerts()).as("nothing fires on a healthy service").isEmpty();
        Files.writeString(TIMINGS, "Prometheus alert timings (fault injected at 0 s)\n");

        // Each fault needs traffic of some example (cached reads, write-behind writes): without one, that part is
        // skipped.
        for (ExampleUnderTest example : Examples.all()) {
            anyCache = anyCache.or(() -> example.cachedRead(app));
            anyWriteBehind = anyWriteBehind.or(() -> example.writeBehindWrite(app));
        }
        Assumptions.assumeTrue(anyCache.isPresent() || anyWriteBehind.isPresent(), "no example to put traffic on");
        if (anyCache.isPresent()) {
            redisKilledFiresRedisCircuitOpen(anyCache.get());
        }
        if (anyWriteBehind.isPresent()) {
            postgresStoppedFiresWriteBehindLagHigh(anyWriteBehind.get());
        }
    }

    private void redisKilledFiresRedisCircuitOpen(Supplier<HttpRequest.Builder> cachedRead) throws Exception {
        AtomicInteger reads = startTraffic(cachedRead);

        Instant killed = Instant.now();
        redis.stop();
        Instant firing = awaitState("RedisCircuitOpen", "firing", Duration.ofSeconds(60));
        Alert alert = active("RedisCircuitOpen").orElseThrow();
        assertThat(alert.labels()).containsEntry("severity", "critical");

        Instant restarted = Instant.now();
        redis.start();
        Instant resolved = awaitResolved("RedisCircuitOpen", Duration.ofSeconds(60));
        record(
                "RedisCircuitOpen (Redis killed under " + (1000 / TRAFFIC_EVERY.toMillis()) + " reads/s)",
                killed,
                alert.activeAt(),
                firing,
                restarted,
                resolved);
        stopTraffic();
        assertThat(reads.get()).as("reads were answered during the outage").isPositive();
    }

    private void postgresStoppedFiresWriteBehindLagHigh(Supplier<HttpRequest.Builder> write) throws Exception {
        AtomicInteger accepted = startTraffic(write);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> accepted.get() > 10);

        Instant stopped = Instant.now();
        postgres.stop();
        // The shipped threshold: over 30 s behind, then for: 5s in the test copy.
        Instant firing = awaitState("WriteBehindLagHigh", "firing", Duration.ofSeconds(120));
        Alert alert = active("WriteBehindLagHigh").orElseThrow();
        assertThat(alert.labels()).containsEntry("severity", "warning");
        assertThat(Duration.between(stopped, firing)).isGreaterThan(Duration.ofSeconds(30));

        Instant restarted = Instant.now();
        postgres.start();
        Instant resolved = awaitResolved("WriteBehindLagHigh", Duration.ofSeconds(90));
        record(
                "WriteBehindLagHigh (Postgres stopped under " + (1000 / TRAFFIC_EVERY.toMillis()) + " views/s)",
                stopped,
                alert.activeAt(),
                firing,
                restarted,
                resolved);
        stopTraffic();
        // The backlog drains completely and nothing was given up on.
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> prometheus.query("max(write_behind_pending)") == 0.0);
        assertThat(prometheus.alerts()).extracting(Alert::name).doesNotContain("WriteBehindDeadLetters");
    }

    private Instant awaitState(String alert, String state, Duration atMost) {
        Awaitility.await()
                .atMost(atMost)
                .pollInterval(Duration.ofMillis(250))
                .until(() -> active(alert).map(a -> a.state().equals(state)).orElse(false));
        return Instant.now();
    }

    private Instant awaitResolved(String alert, Duration atMost) {
        Awaitility.await()
                .atMost(atMost)
                .pollInterval(Duration.ofMillis(250))
                .until(() -> active(alert).isEmpty());
        return Instant.now();
    }

    private Optional<Alert> active(String name) {
        return prometheus.alerts().stream().filter(a -> a.name().equals(name)).findFirst();
    }

    private static void record(
            String what, Instant fault, Instant pending, Instant firing, Instant recovered, Instant resolved)
            throws IOException {
        String line = String.format(
                "%s: pending at %.1f s, firing at %.1f s; recovery at %.1f s, resolved %.1f s after recovery%n",
                what,
                seconds(fault, pending),
                seconds(fault, firing),
                seconds(fault, recovered),
                seconds(recovered, resolved));
        System.out.print(line);
        Files.writeString(TIMINGS, line, StandardOpenOption.APPEND);
    }

    private static double seconds(Instant from, Instant to) {
        return Duration.between(from, to).toMillis() / 1000.0;
    }

    /** One request every {@link #TRAFFIC_EVERY} until {@link #stopTraffic}; counts the 2xx answers. */
    private AtomicInteger startTraffic(Supplier<HttpRequest.Builder> request) {
        AtomicInteger answered = new AtomicInteger();
        traffic = Executors.newSingleThreadScheduledExecutor();
        traffic.scheduleAtFixedRate(
                () -> send(request.get(), answered), 0, TRAFFIC_EVERY.toMillis(), TimeUnit.MILLISECONDS);
        return answered;
    }

    private void stopTraffic() throws InterruptedException {
        traffic.shutdownNow();
        assertThat(traffic.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    // Fire and forget, one request per tick: the rate stays bounded whatever the app's latency.
    private void send(HttpRequest.Builder request, AtomicInteger answered) {
        http.sendAsync(request.timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding())
                .thenAccept(reply -> {
                    if (reply.statusCode() < 300) {
                        answered.incrementAndGet();
                    }
                });
    }

    private int status(HttpRequest.Builder request) throws Exception {
        return http.send(request.timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }
}
