package dev.cachepatterns.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.cachepatterns.support.auth.Tokens;

/**
 * Two instances of the packaged app on one Redis (the test's own) and one Postgres database (created fresh): the
 * fixture of the examples' multi-instance tests ({@code *TwoInstancesPackagedIT}). The Redis time-out is raised to 2 s:
 * on a busy two-core machine a 250 ms time-out sends a read to Postgres by design (a fallback), and those tests are
 * about coordination, not latency.
 */
public final class TwoInstances implements AutoCloseable {

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final RedisServer redis;
    private final String database;
    private PackagedApp a;
    private PackagedApp b;

    private TwoInstances(RedisServer redis, String database) {
        this.redis = redis;
        this.database = database;
    }

    /** Starts both; {@code env} is given to both, with {@code {name}} replaced by "a" or "b". */
    public static TwoInstances start(String label, Map<String, String> env) throws SQLException {
        RedisServer redis = new RedisServer(List.of()).start();
        String database =
                "cp_two_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection admin = connect("postgres");
                Statement statement = admin.createStatement()) {
            statement.execute("CREATE DATABASE " + database);
        }
        TwoInstances two = new TwoInstances(redis, database);
        two.a = two.startOne(label, "a", env);
        two.b = two.startOne(label, "b", env);
        return two;
    }

    private PackagedApp startOne(String label, String name, Map<String, String> env) {
        Map<String, String> all = new HashMap<>();
        all.put("CACHE_REDIS_TIMEOUT", "2s");
        env.forEach((key, value) -> all.put(key, value.replace("{name}", name)));
        return PackagedApp.start(label + "-" + name, RedisServer.freePort(), redis.uri(), databaseUrl(database), all);
    }

    public PackagedApp a() {
        return a;
    }

    public PackagedApp b() {
        return b;
    }

    public List<PackagedApp> both() {
        return List.of(a, b);
    }

    /** SIGKILLs instance a; it is gone from then on. */
    public void killA() {
        a.kill();
        a = null;
    }

    public RedisServer redis() {
        return redis;
    }

    /** A JDBC connection to the instances' database. */
    public Connection connect() throws SQLException {
        return connect(database);
    }

    public HttpResponse<String> send(PackagedApp app, String method, String path) {
        return send(app, method, path, null);
    }

    public HttpResponse<String> send(PackagedApp app, String method, String path, String json) {
        HttpRequest.Builder request = HttpRequest.newBuilder(app.uri(path)).timeout(Duration.ofSeconds(30));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        if (!method.equals("GET")) {
            request.header("Authorization", Tokens.bearerWriter());
        }
        request.method(
                method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public HttpClient http() {
        return http;
    }

    @Override
    public void close() throws Exception {
        for (PackagedApp app : new PackagedApp[] {a, b}) {
            if (app != null) {
                app.close();
            }
        }
        redis.stop();
        try (Connection admin = connect("postgres");
                Statement statement = admin.createStatement()) {
            statement.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
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
