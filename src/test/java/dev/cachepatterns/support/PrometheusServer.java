package dev.cachepatterns.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.awaitility.Awaitility;

/**
 * A real Prometheus server (Debian's {@code prometheus} package) on a free loopback port, scraping one target and
 * evaluating a copy of {@code deploy/prometheus/alerts.yml} whose {@code for:} durations are read as seconds instead
 * of minutes (the expressions stay as they are), with one-second scrape and evaluation intervals.
 */
public final class PrometheusServer implements AutoCloseable {

    public static final Path BINARY = Path.of("/usr/bin/prometheus");
    public static final Path ALERT_RULES = Path.of("deploy/prometheus/alerts.yml");

    private static final Pattern FOR_MINUTES = Pattern.compile("(?m)^(\\s+for:\\s*)(\\d+)m\\s*$");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** An active alert as {@code /api/v1/alerts} reports it. */
    public record Alert(String name, String state, Map<String, String> labels, Instant activeAt) {}

    private final int port;
    private final Path dir;
    private final Process process;

    private PrometheusServer(int port, Path dir, Process process) {
        this.port = port;
        this.dir = dir;
        this.process = process;
    }

    public static boolean installed() {
        return Files.isExecutable(BINARY);
    }

    /** The alert rules with each {@code for: Nm} turned into {@code for: Ns}. */
    public static String fastRules(String rules) {
        Matcher m = FOR_MINUTES.matcher(rules);
        return m.replaceAll("$1$2s");
    }

    /** Starts Prometheus scraping {@code metrics} (the full URL of the target's metrics endpoint) every second. */
    public static PrometheusServer scraping(URI metrics) {
        int port = RedisServer.freePort();
        try {
            Path dir = Files.createTempDirectory("prometheus-" + port);
            Files.writeString(dir.resolve("alerts.yml"), fastRules(Files.readString(ALERT_RULES)));
            Files.writeString(dir.resolve("prometheus.yml"), """
                    global:
                      scrape_interval: 1s
                      scrape_timeout: 1s
                      evaluation_interval: 1s
                    rule_files:
                      - alerts.yml
                    scrape_configs:
                      - job_name: cache-patterns
                        scheme: %s
                        metrics_path: %s
                        static_configs:
                          - targets: ["%s:%d"]
                    """.formatted(
                            metrics.getScheme(), metrics.getPath(), metrics.getHost(), metrics.getPort()));
            Process process = new ProcessBuilder(
                            BINARY.toString(),
                            "--config.file=" + dir.resolve("prometheus.yml"),
                            "--storage.tsdb.path=" + dir.resolve("data"),
                            "--web.listen-address=127.0.0.1:" + port,
                            "--log.level=warn")
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("prometheus.log").toFile())
                    .start();
            PrometheusServer server = new PrometheusServer(port, dir, process);
            Awaitility.await()
                    .atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> {
                        if (!process.isAlive()) {
                            throw new IllegalStateException(
                                    "prometheus exited: " + Files.readString(dir.resolve("prometheus.log")));
                        }
                        return server.status("/-/ready") == 200;
                    });
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The alerts that are pending or firing now. */
    public List<Alert> alerts() {
        JsonNode alerts = get("/api/v1/alerts").path("data").path("alerts");
        List<Alert> found = new ArrayList<>();
        for (JsonNode alert : alerts) {
            Map<String, String> labels = JSON.convertValue(
                    alert.path("labels"),
                    JSON.getTypeFactory().constructMapType(Map.class, String.class, String.class));
            found.add(new Alert(
                    labels.get("alertname"),
                    alert.path("state").asText(),
                    labels,
                    Instant.parse(alert.path("activeAt").asText())));
        }
        return found;
    }

    /** The names of the alerting rules Prometheus loaded. */
    public List<String> alertingRules() {
        List<String> names = new ArrayList<>();
        for (JsonNode group : get("/api/v1/rules?type=alert").path("data").path("groups")) {
            group.path("rules").forEach(rule -> names.add(rule.path("name").asText()));
        }
        return names;
    }

    /** The value of an instant query with a one-sample answer, or NaN when it has none. */
    public double query(String promql) {
        JsonNode result = get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8))
                .path("data")
                .path("result");
        return result.size() == 1 ? result.get(0).path("value").get(1).asDouble() : Double.NaN;
    }

    public Path log() {
        return dir.resolve("prometheus.log");
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        } catch (IOException ignored) {
            // A temp dir left behind is harmless.
        }
    }

    private JsonNode get(String path) {
        try {
            HttpResponse<String> reply = HTTP.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                            .timeout(Duration.ofSeconds(5))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (reply.statusCode() != 200) {
                throw new IllegalStateException("GET " + path + ": " + reply.statusCode() + " " + reply.body());
            }
            return JSON.readTree(reply.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private int status(String path) {
        try {
            return HTTP.send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                                    .timeout(Duration.ofSeconds(2))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
