package dev.cachepatterns.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.awaitility.Awaitility;

import dev.cachepatterns.platform.localservices.LocalDatabase;
import dev.cachepatterns.support.auth.Tokens;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged app ({@code target/quarkus-app/quarkus-run.jar}) as a child process on a port of its own, configured by
 * environment variables (Redis, Postgres and any overrides), its management interface on another free port. {@link
 * #start} returns once {@code /q/health/ready} is 200.
 * Its output goes to {@code target/<label>.log}.
 */
public final class PackagedApp implements AutoCloseable {

    public static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar");

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();

    private final int port;
    private final int managementPort;
    private final Path log;
    private final Process process;

    private PackagedApp(int port, int managementPort, Path log, Process process) {
        this.port = port;
        this.managementPort = managementPort;
        this.log = log;
        this.process = process;
    }

    public static boolean jarExists() {
        return Files.exists(JAR);
    }

    /**
     * Starts the jar on {@code port} against {@code redisUri} and {@code reactiveUrl} (a {@code postgresql://} URL; the
     * migrations reuse it), with {@code extraEnv} on top, and waits until it is ready.
     */
    public static PackagedApp start(
            String label, int port, String redisUri, String reactiveUrl, Map<String, String> extraEnv) {
        PackagedApp app = launch(label, port, redisUri, reactiveUrl, extraEnv);
        Awaitility.await()
                .atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    assertThat(app.process.isAlive())
                            .as("app exited, see " + app.log)
                            .isTrue();
                    return app.managementStatus("/q/health/ready") == 200;
                });
        return app;
    }

    /**
     * Starts the jar like {@link #start} for an app that must refuse to start: waits for it to exit (at most {@code
     * timeout}) and returns its exit code.
     */
    public static int exitCode(
            String label,
            int port,
            String redisUri,
            String reactiveUrl,
            Map<String, String> extraEnv,
            Duration timeout) {
        PackagedApp app = launch(label, port, redisUri, reactiveUrl, extraEnv);
        try {
            if (!app.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                app.close();
                throw new AssertionError("still running after " + timeout + ", see " + app.log);
            }
            return app.process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            app.close();
            throw new IllegalStateException(e);
        }
    }

    /** What the app wrote to {@code target/<label>.log} so far. */
    public static String log(String label) {
        try {
            return Files.readString(Path.of("target", label + ".log"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static PackagedApp launch(
            String label, int port, String redisUri, String reactiveUrl, Map<String, String> extraEnv) {
        Path log = Path.of("target", label + ".log");
        ProcessBuilder builder = new ProcessBuilder(javaBinary(), "-jar", JAR.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        int managementPort = RedisServer.freePort();
        env.put("QUARKUS_HTTP_PORT", String.valueOf(port));
        env.put("QUARKUS_MANAGEMENT_PORT", String.valueOf(managementPort));
        env.put("QUARKUS_REDIS_HOSTS", redisUri);
        env.put("QUARKUS_DATASOURCE_REACTIVE_URL", reactiveUrl);
        env.remove("QUARKUS_DATASOURCE_JDBC_URL");
        // The prod profile refuses to start without a verification key: trust the test key (an empty value removes it).
        env.putAll(Tokens.packagedAppEnv());
        extraEnv.forEach((key, value) -> {
            if (value.isEmpty()) {
                env.remove(key);
            } else {
                env.put(key, value);
            }
        });
        try {
            return new PackagedApp(port, managementPort, log, builder.start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The Postgres the tests use by default: {@code QUARKUS_DATASOURCE_REACTIVE_URL}, else this service's test database
     * on the local Postgres ({@code <quarkus.application.name>_test}, as the {@code @QuarkusTest}s use; created if
     * missing).
     */
    public static String defaultReactiveUrl() {
        String url = System.getenv("QUARKUS_DATASOURCE_REACTIVE_URL");
        if (url != null && !url.isBlank()) {
            return url;
        }
        String database = LocalDatabase.name(applicationName(), true);
        LocalDatabase.ensureExists("127.0.0.1", 5432, database, "postgres", null);
        return "postgresql://127.0.0.1:5432/" + database;
    }

    private static String applicationName() {
        Properties properties = new Properties();
        try (var in = PackagedApp.class.getClassLoader().getResourceAsStream("application.properties")) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties.getProperty("quarkus.application.name", "app");
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** A URI on the management interface (health, metrics, info), which has a port of its own. */
    public URI managementUri(String path) {
        return URI.create("http://127.0.0.1:" + managementPort + path);
    }

    /**
     * POSTs {@code count} empty bodies, round-robin over {@code targets}, at most 32 at a time, and returns how many
     * were answered 202 (write-behind accepted them).
     */
    public static int acceptedWrites(List<URI> targets, int count) throws Exception {
        Semaphore inFlight = new Semaphore(32);
        AtomicInteger accepted = new AtomicInteger();
        List<CompletableFuture<?>> replies = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            inFlight.acquire();
            replies.add(HTTP.sendAsync(
                            HttpRequest.newBuilder(targets.get(i % targets.size()))
                                    .timeout(Duration.ofSeconds(30))
                                    .header("Authorization", Tokens.bearerWriter())
                                    .POST(HttpRequest.BodyPublishers.noBody())
                                    .build(),
                            HttpResponse.BodyHandlers.discarding())
                    .whenComplete((reply, failure) -> {
                        inFlight.release();
                        if (reply != null && reply.statusCode() == 202) {
                            accepted.incrementAndGet();
                        }
                    }));
        }
        CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
        return accepted.get();
    }

    /**
     * Sends {@code method path} with a JSON body (or none) and the writer token (writes need it, reads ignore it) and
     * returns the answer: how a test prepares data on the packaged app.
     */
    public HttpResponse<String> send(String method, String path, String json) {
        HttpRequest.BodyPublisher body =
                json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json);
        try {
            return HTTP.send(
                    HttpRequest.newBuilder(uri(path))
                            .header("Content-Type", "application/json")
                            .header("Authorization", Tokens.bearerWriter())
                            .method(method, body)
                            .timeout(Duration.ofSeconds(10))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The status of a GET on the API port, or -1 when the app does not answer. */
    public int status(String path) {
        return status(uri(path));
    }

    /** The status of a GET on the management port, or -1 when the app does not answer. */
    public int managementStatus(String path) {
        return status(managementUri(path));
    }

    private static int status(URI target) {
        try {
            return HTTP.send(
                            HttpRequest.newBuilder(target)
                                    .timeout(Duration.ofSeconds(5))
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

    /** The Prometheus text of {@code /q/metrics}. */
    public String metrics() {
        try {
            HttpResponse<String> reply = HTTP.send(
                    HttpRequest.newBuilder(managementUri("/q/metrics"))
                            .timeout(Duration.ofSeconds(10))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(reply.statusCode()).isEqualTo(200);
            return reply.body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * The sum of every sample of {@code name} whose labels include all of {@code labels} (e.g. {@code cache="users"}),
     * 0 when there is none.
     */
    public double metric(String name, String... labels) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{[^}]*})? (\\S+)$")
                .matcher(metrics());
        double sum = 0;
        while (m.find()) {
            String found = m.group(1) == null ? "" : m.group(1);
            boolean matches = true;
            for (String label : labels) {
                matches &= found.contains(label);
            }
            if (matches) {
                sum += Double.parseDouble(m.group(2));
            }
        }
        return sum;
    }

    /** SIGKILL: no shutdown hook, no final drain. */
    public void kill() {
        process.destroyForcibly();
        waitForExit();
    }

    /** Freezes the process (SIGSTOP), so what it holds in Redis can be looked at before it is killed. */
    public void pause() {
        signal("STOP");
    }

    public void resume() {
        signal("CONT");
    }

    /** SIGTERM and wait: a graceful shutdown. Returns the exit status (0: the app stopped cleanly). */
    public int stop() {
        process.destroy();
        waitForExit();
        return process.exitValue();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            waitForExit();
        }
    }

    private void signal(String name) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid())).start();
            assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(kill.exitValue()).as("kill -" + name).isZero();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void waitForExit() {
        try {
            assertThat(process.waitFor(30, TimeUnit.SECONDS))
                    .as("app exited, see " + log)
                    .isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
