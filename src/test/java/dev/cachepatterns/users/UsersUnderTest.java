package dev.cachepatterns.users;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import io.restassured.http.ContentType;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import org.eclipse.microprofile.config.ConfigProvider;

import dev.cachepatterns.support.LoadDriver;
import dev.cachepatterns.support.Metrics;
import dev.cachepatterns.support.Outcomes;
import dev.cachepatterns.support.PackagedApp;
import dev.cachepatterns.support.RedisServer;
import dev.cachepatterns.support.examples.ClusterContext;
import dev.cachepatterns.support.examples.Endpoint;
import dev.cachepatterns.support.examples.ExampleUnderTest;
import dev.cachepatterns.support.examples.Role;
import dev.cachepatterns.support.examples.Scenario;
import dev.cachepatterns.support.fuzz.Fuzz;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;

/** The users example (cache-aside) in the tests that exercise every example at once. */
public class UsersUnderTest implements ExampleUnderTest {

    private static final java.util.regex.Pattern ID = java.util.regex.Pattern.compile("\"id\":(\\d+)");

    private static final String USER_BODY =
            "{\"name\":\"n\",\"email\":\"n@example.com\",\"avatarUrl\":\"https://x.example/a.png\"}";

    @Override
    public String name() {
        return "users";
    }

    @Override
    public List<String> caches() {
        return List.of("users");
    }

    @Override
    public List<String> keyPrefixProperties() {
        return List.of("cache.users.key-prefix");
    }

    @Override
    public List<Endpoint> writeEndpoints() {
        return List.of(
                new Endpoint("POST", "/users", USER_BODY, 201),
                new Endpoint("PUT", "/users/1", USER_BODY, 200),
                new Endpoint("DELETE", "/users/1", null, 204));
    }

    @Override
    public List<Endpoint> preparedWrites(String label) {
        long id = Users.create("Auth " + label);
        String body = "{\"name\":\"n\",\"email\":\"auth-" + UUID.randomUUID()
                + "@example.com\",\"avatarUrl\":\"https://x.example/a.png\"}";
        return List.of(
                new Endpoint("POST", "/users", body, 201),
                new Endpoint("PUT", "/users/" + id, body.replace("auth-", "renamed-"), 200),
                new Endpoint("DELETE", "/users/" + id, null, 204));
    }

    @Override
    public Scenario prepare(String label) {
        List<Long> ids = LongStream.range(0, 8)
                .mapToObj(i -> Users.create("Fault " + label + i))
                .toList();
        Scenario scenario = new UsersScenario(ids);
        scenario.warm();
        return scenario;
    }

    private static String keyPrefix() {
        return ConfigProvider.getConfig().getValue("cache.users.key-prefix", String.class);
    }

    private record UsersScenario(List<Long> ids) implements Scenario {

        @Override
        public LoadDriver.Call call(LoadDriver driver, long n) {
            return driver.get("users.get", "/users/" + ids.get((int) (n % ids.size())));
        }

        @Override
        public Role role(String label) {
            return Role.CACHED_READ;
        }

        @Override
        public int success(String label) {
            return 200;
        }

        @Override
        public void warm() {
            ids.forEach(id -> given().get("/users/{id}", id).then().statusCode(200));
        }

        @Override
        public List<String> cachedKeys() {
            return ids.stream().map(id -> keyPrefix() + ":" + id).toList();
        }

        @Override
        public void assertConsistent(Outcomes outcomes, Pool pool) {
            for (long id : ids) {
                String name = pool.preparedQuery("SELECT name FROM users WHERE id = $1")
                        .execute(Tuple.of(id))
                        .await()
                        .atMost(Duration.ofSeconds(5))
                        .iterator()
                        .next()
                        .getString(0);
                given().get("/users/{id}", id).then().statusCode(200).body("name", equalTo(name));
            }
        }

        @Override
        public List<String> singleKeyLoads() {
            return List.of("FROM users WHERE id = $1");
        }
    }

    @Override
    public List<LoadDriver.Call> coldCalls(LoadDriver driver, Pool pool, int count) {
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<LoadDriver.Call> calls = new ArrayList<>();
        for (Row row : pool.preparedQuery(
                        "INSERT INTO users (name, email, avatar_url) SELECT 'Storm ' || n, 'storm-' || $1::text"
                                + " || '-' || n || '@example.com', 'https://img.example.com/storm.png'"
                                + " FROM generate_series(1, $2::int) AS n RETURNING id")
                .execute(Tuple.of(run, count))
                .await()
                .atMost(Duration.ofSeconds(30))) {
            calls.add(driver.get("users.get", "/users/" + row.getLong(0)));
        }
        return calls;
    }

    private static final AtomicLong UNKNOWN_IDS = new AtomicLong(900_000_000L + System.nanoTime() % 1_000_000 * 1000);

    @Override
    public LoadDriver.Call uncachedRead(LoadDriver driver, long n) {
        return driver.get("users.miss", "/users/" + UNKNOWN_IDS.incrementAndGet());
    }

    @Override
    public void tour(dev.cachepatterns.support.client.ApiClient client, String label) throws Exception {
        var users = new dev.cachepatterns.support.client.api.UsersApi(client);
        var created = users.createUserWithHttpInfo(
                new dev.cachepatterns.support.client.model.UserInput()
                        .name("Tour " + label)
                        .email("tour-" + label + "@example.com")
                        .avatarUrl("https://example.com/tour.png"),
                null);
        assertThat(created.getStatusCode()).isEqualTo(201);
        long id = created.getData().getId();
        assertThat(created.getHeaders().get("Location"))
                .singleElement()
                .asString()
                .endsWith("/users/" + id);
        // Read twice: the second read is served from Redis (UserCacheAsideTest counts the loads).
        assertThat(users.getUser(id)).isEqualTo(users.getUser(id)).isEqualTo(created.getData());
        // One MGET, one query for the misses: the absent id is left out.
        assertThat(users.getUsers(List.of(id, 999_999_999L)))
                .extracting(dev.cachepatterns.support.client.model.User::getId)
                .containsExactly(id);
    }

    @Override
    public void fuzz(Fuzz fuzz) {
        for (Fuzz.Slot s : fuzz.slots()) {
            Predicate<Integer> id = Fuzz.rule(s, UsersUnderTest::isId);
            fuzz.expect("GET /users/{id}", fuzz.send("GET", "/users/" + s.encoded()), id);
            fuzz.expect(
                    "PUT /users/{id}", fuzz.send("PUT", "/users/" + s.encoded(), USER_BODY, "application/json"), id);
            fuzz.expect("DELETE /users/{id}", fuzz.send("DELETE", "/users/" + s.encoded()), id);
            // Id lists are trimmed and split, so only "never a 5xx" holds here (UserBadInputTest has the rules).
            fuzz.expect(
                    "GET /users?ids",
                    fuzz.send("GET", "/users?ids=" + s.encoded() + "," + s.encoded()),
                    Fuzz.noServerError());
        }
        fuzz.expect("GET /users?ids (101)", fuzz.send("GET", "/users?ids=" + "1,".repeat(100) + "1"), Fuzz.is(400));
        fuzz.expect("GET /users?ids (100)", fuzz.send("GET", "/users?ids=" + "1,".repeat(99) + "1"), Fuzz.is(200));
        fuzz.expect("GET /users?ids (empty element)", fuzz.send("GET", "/users?ids=1,,2"), Fuzz.is(400));
        fuzz.expect("GET /users?ids (missing)", fuzz.send("GET", "/users"), Fuzz.is(400));
        for (String value : fuzz.strings()) {
            String json = Fuzz.json(value);
            // Free-text fields: accepted or a 4xx, never a 5xx.
            fuzz.expect(
                    "POST /users name",
                    fuzz.send(
                            "POST",
                            "/users",
                            "{\"name\":" + json + ",\"email\":\"f"
                                    + fuzz.random().nextInt(1_000_000_000) + "@example.com\",\"avatarUrl\":" + json
                                    + "}",
                            "application/json"),
                    Fuzz.noServerError());
        }
        for (String wrong : fuzz.wrongTypes()) {
            fuzz.expect(
                    "POST /users wrong type",
                    fuzz.send("POST", "/users", "{\"name\":" + wrong + ",\"email\":" + wrong + "}", "application/json"),
                    Fuzz.is(400));
        }
        fuzz.malformedBodies("POST", "/users");
        fuzz.malformedBodies("PUT", "/users/1");
    }

    /** The documented id rule: 1-18 digits, positive. */
    private static boolean isId(String raw) {
        return raw.length() >= 1
                && raw.length() <= 18
                && raw.chars().allMatch(c -> c >= '0' && c <= '9')
                && Long.parseLong(raw) > 0;
    }

    @Override
    public Map<String, String> everythingOn() {
        // The near tier is off in %test (the HTTP tests change Redis behind the service's back).
        return Map.of("cache.users.near.enabled", "true");
    }

    @Override
    public Optional<Supplier<HttpRequest.Builder>> cachedRead(PackagedApp app) {
        HttpResponse<String> created = app.send(
                "POST",
                "/users",
                "{\"name\":\"Packaged\",\"email\":\"packaged-" + UUID.randomUUID() + "@example.com\"}");
        assertThat(created.statusCode()).as("POST /users: %s", created.body()).isEqualTo(201);
        long id = Long.parseLong(
                ID.matcher(created.body()).results().findFirst().orElseThrow().group(1));
        return Optional.of(() -> HttpRequest.newBuilder(app.uri("/users/" + id)));
    }

    @Override
    public void verifyOnCluster(ClusterContext context) {
        Metrics metrics = new Metrics(context.registry());
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            ids.add(Users.create("Cluster User " + i));
        }
        String prefix = keyPrefix();
        Set<Integer> masters = ids.stream()
                .map(id -> context.cluster().masterOf(prefix + ":" + id).port())
                .collect(Collectors.toSet());
        assertThat(masters).as("the users' keys are spread over every master").hasSize(3);

        long single = ids.get(0);
        double loads = metrics.loads("users");
        double hits = metrics.gets("users", "hit");
        given().get("/users/{id}", single).then().statusCode(200).body("name", equalTo("Cluster User 0"));
        given().get("/users/{id}", single).then().statusCode(200).body("name", equalTo("Cluster User 0"));
        assertThat(metrics.loads("users") - loads).as("one load, then a hit").isEqualTo(1);
        assertThat(metrics.gets("users", "hit") - hits).isEqualTo(1);

        // One MGET per slot, one bulk load, the fill pipelined per slot.
        List<Long> bulk = ids.subList(1, ids.size());
        String query = bulk.stream().map(String::valueOf).collect(Collectors.joining(","));
        List<Integer> expectedIds = bulk.stream().map(Long::intValue).toList();
        loads = metrics.loads("users");
        given().get("/users?ids=" + query).then().statusCode(200).body("id", contains(expectedIds.toArray()));
        assertThat(metrics.loads("users") - loads)
                .as("the misses load in one query")
                .isEqualTo(1);
        hits = metrics.gets("users", "hit");
        // Every value under its own key: the hits come from several slots and must keep the order asked.
        List<String> expectedNames =
                bulk.stream().map(id -> "Cluster User " + ids.indexOf(id)).toList();
        given().get("/users?ids=" + query)
                .then()
                .statusCode(200)
                .body("id", contains(expectedIds.toArray()))
                .body("name", contains(expectedNames.toArray()));
        assertThat(metrics.loads("users") - loads)
                .as("the second bulk read needs no database")
                .isEqualTo(1);
        assertThat(metrics.gets("users", "hit") - hits).isEqualTo(bulk.size());
        for (long id : bulk) {
            RedisServer master = context.cluster().masterOf(prefix + ":" + id);
            assertThat(context.cluster()
                            .cli(master, "exists", prefix + ":" + id)
                            .trim())
                    .isEqualTo("1");
        }

        given().contentType(ContentType.JSON)
                .body("{\"name\":\"Renamed\",\"email\":\"renamed-" + single
                        + "@example.com\",\"avatarUrl\":\"https://x/y.png\"}")
                .put("/users/{id}", single)
                .then()
                .statusCode(200);
        given().get("/users/{id}", single).then().statusCode(200).body("name", equalTo("Renamed"));
        given().get("/users/123456789").then().statusCode(404);
        given().get("/users/123456789").then().statusCode(404);

        // The near tier (on here, everythingOn) tracks every master: a user read again comes from the JVM.
        double nearHits = metrics.gets("users", "near_hit");
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
            given().get("/users/{id}", single).then().statusCode(200).body("name", equalTo("Renamed"));
            return metrics.gets("users", "near_hit") > nearHits;
        });
    }
}
