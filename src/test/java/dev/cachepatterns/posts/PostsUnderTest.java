package dev.cachepatterns.posts;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.ConfigProvider;

import dev.cachepatterns.support.LoadDriver;
import dev.cachepatterns.support.Outcome;
import dev.cachepatterns.support.Outcomes;
import dev.cachepatterns.support.PackagedApp;
import dev.cachepatterns.support.auth.Tokens;
import dev.cachepatterns.support.examples.ClusterContext;
import dev.cachepatterns.support.examples.Endpoint;
import dev.cachepatterns.support.examples.ExampleUnderTest;
import dev.cachepatterns.support.examples.Role;
import dev.cachepatterns.support.examples.Scenario;
import dev.cachepatterns.support.fuzz.Fuzz;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/** The posts example (cache-aside for the post, write-behind for views and likes) in the cross-cutting tests. */
public class PostsUnderTest implements ExampleUnderTest {

    private static final Pattern SLUG = Pattern.compile("[a-z0-9][a-z0-9-]{0,99}");

    @Override
    public String name() {
        return "posts";
    }

    @Override
    public List<String> caches() {
        return List.of("posts");
    }

    @Override
    public List<String> keyPrefixProperties() {
        return List.of("cache.posts.key-prefix", "write-behind.posts.key-prefix");
    }

    @Override
    public List<Endpoint> writeEndpoints() {
        return List.of(
                new Endpoint(
                        "POST",
                        "/posts",
                        "{\"slug\":\"hello\",\"title\":\"Hello\",\"body\":\"b\",\"authorId\":1}",
                        201),
                new Endpoint("POST", "/posts/hello/views", null, 202),
                new Endpoint("POST", "/posts/hello/likes", null, 202));
    }

    @Override
    public List<Endpoint> preparedWrites(String label) {
        String slug = Posts.uniqueSlug(label.toLowerCase());
        return List.of(
                new Endpoint(
                        "POST",
                        "/posts",
                        "{\"slug\":\"" + slug + "\",\"title\":\"Hello\",\"body\":\"b\",\"authorId\":1}",
                        201),
                new Endpoint("POST", "/posts/" + slug + "/views", null, 202),
                new Endpoint("POST", "/posts/" + slug + "/likes", null, 202));
    }

    @Override
    public Scenario prepare(String label) {
        List<String> slugs =
                IntStream.range(0, 4).mapToObj(i -> Posts.create(label)).toList();
        Scenario scenario = new PostsScenario(slugs);
        scenario.warm();
        return scenario;
    }

    private record PostsScenario(List<String> slugs) implements Scenario {

        @Override
        public LoadDriver.Call call(LoadDriver driver, long n) {
            String slug = slugs.get((int) (n / 2 % slugs.size()));
            return n % 2 == 0
                    ? driver.post("posts.view", "/posts/" + slug + "/views")
                    : driver.get("posts.get", "/posts/" + slug);
        }

        @Override
        public Role role(String label) {
            return label.equals("posts.view") ? Role.QUEUED_WRITE : Role.CACHED_READ;
        }

        @Override
        public int success(String label) {
            return label.equals("posts.view") ? 202 : 200;
        }

        @Override
        public void warm() {
            slugs.forEach(slug -> given().get("/posts/{slug}", slug).then().statusCode(200));
        }

        @Override
        public List<String> cachedKeys() {
            String prefix = ConfigProvider.getConfig().getValue("cache.posts.key-prefix", String.class);
            return slugs.stream().map(slug -> prefix + ":" + slug).toList();
        }

        /** Postgres ends up with exactly the accepted views of every post: none lost, none doubled. */
        @Override
        public void assertConsistent(Outcomes outcomes, Pool pool) {
            for (String slug : slugs) {
                long accepted =
                        outcomes.count(o -> o.label().equals("posts.view") && o.status() == 202 && isFor(o, slug));
                assertThat(accepted).as("views accepted for %s", slug).isPositive();
                Awaitility.await()
                        .atMost(Duration.ofSeconds(30))
                        .pollInterval(Duration.ofMillis(250))
                        .ignoreExceptions()
                        .untilAsserted(() -> assertThat(views(pool, slug))
                                .as("views of %s in Postgres", slug)
                                .isEqualTo(accepted));
            }
        }

        private static boolean isFor(Outcome outcome, String slug) {
            return outcome.body() != null && outcome.body().contains("\"slug\":\"" + slug + "\"");
        }

        private static long views(Pool pool, String slug) {
            return pool.preparedQuery("SELECT views FROM posts WHERE slug = $1")
                    .execute(Tuple.of(slug))
                    .await()
                    .atMost(Duration.ofSeconds(5))
                    .iterator()
                    .next()
                    .getLong(0);
        }
    }

    @Override
    public List<LoadDriver.Call> coldCalls(LoadDriver driver, Pool pool, int count) {
        List<LoadDriver.Call> calls = new java.util.ArrayList<>();
        String run = Posts.uniqueSlug("storm");
        for (Row row : pool.preparedQuery(
                        "INSERT INTO posts (slug, title, body, author_id) SELECT $1::text || '-' || n,"
                                + " 'Storm', 'b', 1 FROM generate_series(1, $2::int) AS n RETURNING slug")
                .execute(Tuple.of(run, count))
                .await()
                .atMost(Duration.ofSeconds(30))) {
            calls.add(driver.get("posts.get", "/posts/" + row.getString(0)));
        }
        return calls;
    }

    @Override
    public LoadDriver.Call uncachedRead(LoadDriver driver, long n) {
        return driver.get("posts.miss", "/posts/" + Posts.uniqueSlug("miss"));
    }

    @Override
    public void tour(dev.cachepatterns.support.client.ApiClient client, String label) throws Exception {
        var posts = new dev.cachepatterns.support.client.api.PostsApi(client);
        String slug = "tour-" + label;
        var created = posts.createPostWithHttpInfo(
                new dev.cachepatterns.support.client.model.PostInput()
                        .slug(slug)
                        .title("Hello")
                        .body("...")
                        .authorId(1L),
                null);
        assertThat(created.getStatusCode()).isEqualTo(201);
        assertThat(created.getHeaders().get("Location"))
                .singleElement()
                .asString()
                .endsWith("/posts/" + slug);
        dev.cachepatterns.support.client.model.Engagement last = null;
        for (int i = 0; i < 100; i++) {
            var accepted = posts.countViewWithHttpInfo(slug, null);
            assertThat(accepted.getStatusCode()).isEqualTo(202);
            last = accepted.getData();
        }
        assertThat(last.getViews()).isEqualTo(100L);
        // Views include what is not flushed yet.
        assertThat(posts.getPost(slug).getViews()).isEqualTo(100L);
    }

    @Override
    public void fuzz(Fuzz fuzz) {
        fuzz.send(
                "POST",
                "/posts",
                "{\"slug\":\"fuzz\",\"title\":\"Fuzz\",\"body\":\"b\",\"authorId\":1}",
                "application/json");
        for (Fuzz.Slot s : fuzz.slots()) {
            Predicate<Integer> slug = Fuzz.rule(s, raw -> SLUG.matcher(raw).matches());
            fuzz.expect("GET /posts/{slug}", fuzz.send("GET", "/posts/" + s.encoded()), slug);
            fuzz.expect("POST /posts/{slug}/views", fuzz.send("POST", "/posts/" + s.encoded() + "/views"), slug);
            fuzz.expect("POST /posts/{slug}/likes", fuzz.send("POST", "/posts/" + s.encoded() + "/likes"), slug);
        }
        for (String value : fuzz.strings()) {
            // A key-forming body field follows its rule exactly.
            fuzz.expect(
                    "POST /posts slug",
                    fuzz.send(
                            "POST",
                            "/posts",
                            "{\"slug\":" + Fuzz.json(value) + ",\"title\":\"t\",\"body\":\"b\",\"authorId\":1}",
                            "application/json"),
                    SLUG.matcher(value).matches() ? Fuzz.is(201, 409) : Fuzz.is(400));
        }
        for (String wrong : fuzz.wrongTypes()) {
            fuzz.expect(
                    "POST /posts authorId",
                    fuzz.send(
                            "POST",
                            "/posts",
                            "{\"slug\":\"w\",\"title\":\"t\",\"body\":\"b\",\"authorId\":" + wrong + "}",
                            "application/json"),
                    Fuzz.is(400));
        }
        fuzz.malformedBodies("POST", "/posts");
    }

    @Override
    public Map<String, String> quickBackgroundWork() {
        return Map.of("write-behind.posts.flush-interval", "0.2s");
    }

    @Override
    public Optional<Supplier<HttpRequest.Builder>> writeBehindWrite(PackagedApp app) {
        String slug = "packaged-" + UUID.randomUUID().toString().substring(0, 8);
        HttpResponse<String> created = app.send(
                "POST", "/posts", "{\"slug\":\"" + slug + "\",\"title\":\"Packaged\",\"body\":\"b\",\"authorId\":1}");
        assertThat(created.statusCode()).as("POST /posts: %s", created.body()).isEqualTo(201);
        // Cached: the increments need the post.
        assertThat(app.status("/posts/" + slug)).isEqualTo(200);
        return Optional.of(() -> HttpRequest.newBuilder(app.uri("/posts/" + slug + "/views"))
                .header("Authorization", Tokens.bearerWriter())
                .POST(HttpRequest.BodyPublishers.noBody()));
    }

    @Override
    public void verifyOnCluster(ClusterContext context) {
        String slug = Posts.create("cluster");
        for (int i = 0; i < 30; i++) {
            given().post("/posts/{slug}/views", slug).then().statusCode(202);
        }
        for (int i = 0; i < 7; i++) {
            given().post("/posts/{slug}/likes", slug).then().statusCode(202);
        }
        given().get("/posts/{slug}", slug)
                .then()
                .statusCode(200)
                .body("views", equalTo(30))
                .body("likes", equalTo(7));
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Row row = context.pool()
                    .preparedQuery("SELECT views, likes FROM posts WHERE slug = $1")
                    .execute(Tuple.of(slug))
                    .await()
                    .atMost(Duration.ofSeconds(5))
                    .iterator()
                    .next();
            assertThat(List.of(row.getLong("views"), row.getLong("likes"))).containsExactly(30L, 7L);
        });
        given().get("/posts/{slug}", slug)
                .then()
                .statusCode(200)
                .body("views", equalTo(30))
                .body("likes", equalTo(7));
    }
}
