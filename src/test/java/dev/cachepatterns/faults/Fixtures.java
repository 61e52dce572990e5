package dev.cachepatterns.faults;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

import io.restassured.http.ContentType;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import org.awaitility.Awaitility;
import org.jboss.logging.Logger;

import dev.cachepatterns.support.LoadDriver;
import dev.cachepatterns.support.Outcome;
import dev.cachepatterns.support.Outcomes;
import dev.cachepatterns.support.Posts;
import dev.cachepatterns.support.Users;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Data, load mix and the assertions the fault scenarios share. Bounds are stated once here: a request may wait for one
 * Redis time-out ({@code cache.redis.timeout}, 250 ms) and then for Postgres; the database allowance is generous
 * because the tests run on a shared 2-core machine next to other builds.
 */
final class Fixtures {

    static final Logger LOG = Logger.getLogger("dev.cachepatterns.faults");

    static final Duration REDIS_TIMEOUT = Duration.ofMillis(250);
    /** Postgres time (through the proxy's added latency, if any) plus CPU contention on the shared machine. */
    static final Duration DATABASE_ALLOWANCE = Duration.ofMillis(2750);
    /** The longest any request may take in a scenario: one Redis time-out plus the database allowance. */
    static final long MAX_LATENCY_MILLIS =
            REDIS_TIMEOUT.plus(DATABASE_ALLOWANCE).toMillis();

    static final List<String> READS = List.of("users.get", "inventory.get", "posts.get", "leaderboards.get");

    final List<Long> users;
    final List<String> skus;
    final List<String> posts;
    final List<String> boards;

    private Fixtures(List<Long> users, List<String> skus, List<String> posts, List<String> boards) {
        this.users = users;
        this.skus = skus;
        this.posts = posts;
        this.boards = boards;
    }

    /** A few users, SKUs, posts and boards, created through the API and read once (so they are cached). */
    static Fixtures createAndWarm(String label) {
        List<Long> users = LongStream.range(0, 8)
                .mapToObj(i -> Users.create("Fault " + label + i))
                .toList();
        List<String> skus = IntStream.range(0, 8)
                .mapToObj(i ->
                        label.toUpperCase() + "-" + UUID.randomUUID().toString().substring(0, 8))
                .toList();
        skus.forEach(sku -> given().contentType(ContentType.JSON)
                .body(Map.of("name", "Item " + sku, "quantity", 1000))
                .put("/inventory/{sku}", sku)
                .then()
                .statusCode(200));
        List<String> posts =
                IntStream.range(0, 4).mapToObj(i -> Posts.create(label)).toList();
        List<String> boards = IntStream.range(0, 2)
                .mapToObj(i -> label + "-board-" + UUID.randomUUID().toString().substring(0, 8))
                .toList();
        for (String board : boards) {
            for (String player : List.of("ann", "bob", "cid")) {
                given().contentType(ContentType.JSON)
                        .body(Map.of("player", player, "points", player.length() * 10 + player.charAt(0)))
                        .post("/leaderboards/{board}/scores", board)
                        .then()
                        .statusCode(200);
            }
        }
        Fixtures fixtures = new Fixtures(users, skus, posts, boards);
        fixtures.warm();
        return fixtures;
    }

    void warm() {
        users.forEach(id -> given().get("/users/{id}", id).then().statusCode(200));
        skus.forEach(sku -> given().get("/inventory/{sku}", sku).then().statusCode(200));
        posts.forEach(slug -> given().get("/posts/{slug}", slug).then().statusCode(200));
        boards.forEach(
                board -> given().get("/leaderboards/{board}", board).then().statusCode(200));
    }

    /**
     * Every strategy at once: cache-aside reads, write-through reads and PUTs, write-behind views and post reads,
     * refresh-ahead board reads. Few keys, so many requests of one key are in flight together.
     */
    LoadDriver.Call mixed(LoadDriver driver, long n) {
        int pick = (int) (n / 7);
        return switch ((int) (n % 7)) {
            case 0, 1 -> driver.get("users.get", "/users/" + users.get(pick % users.size()));
            case 2 -> driver.get("inventory.get", "/inventory/" + skus.get(pick % skus.size()));
            case 3 ->
                driver.put(
                        "inventory.put",
                        "/inventory/" + skus.get(pick % skus.size()),
                        "{\"name\":\"Item\",\"quantity\":" + (pick % 500) + "}");
            case 4 -> driver.post("posts.view", "/posts/" + posts.get(pick % posts.size()) + "/views");
            case 5 -> driver.get("posts.get", "/posts/" + posts.get(pick % posts.size()));
            default -> driver.get("leaderboards.get", "/leaderboards/" + boards.get(pick % boards.size()));
        };
    }

    static LoadDriver driver(URI base) {
        return new LoadDriver(base);
    }

    /** No read got a 5xx (or no answer), and no request at all took longer than {@code maxMillis}. */
    static void assertReadsAnsweredWithin(Outcomes outcomes, long maxMillis) {
        Outcomes reads = outcomes.with(o -> READS.contains(o.label()));
        assertThat(reads.size()).isPositive();
        assertThat(reads.matching(o -> o.status() != 200))
                .as("reads that did not answer 200")
                .isEmpty();
        assertThat(outcomes.matching(o -> o.latencyMillis() > maxMillis))
                .as("requests slower than %d ms", maxMillis)
                .isEmpty();
    }

    /** Accepted view increments per post: the 202s of the run. */
    static long acceptedViews(Outcomes outcomes, String slug) {
        return outcomes.count(o -> o.label().equals("posts.view") && o.status() == 202 && isFor(o, slug));
    }

    private static boolean isFor(Outcome outcome, String slug) {
        return outcome.body() != null && outcome.body().contains("\"slug\":\"" + slug + "\"");
    }

    /** Postgres ends up with exactly the accepted views of every post: none lost, none doubled. */
    static void assertNoViewLostOrDoubled(Pool pool, Fixtures fixtures, Outcomes outcomes) {
        for (String slug : fixtures.posts) {
            long accepted = acceptedViews(outcomes, slug);
            assertThat(accepted).as("views accepted for %s", slug).isPositive();
            Awaitility.await()
                    .atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(250))
                    .ignoreExceptions()
                    .untilAsserted(() -> assertThat(viewsInPostgres(pool, slug))
                            .as("views of %s in Postgres", slug)
                            .isEqualTo(accepted));
        }
    }

    static long viewsInPostgres(Pool pool, String slug) {
        return pool.preparedQuery("SELECT views FROM posts WHERE slug = $1")
                .execute(Tuple.of(slug))
                .await()
                .atMost(Duration.ofSeconds(5))
                .iterator()
                .next()
                .getLong(0);
    }

    /** Sleeps without a sleep call: the fault must last this long. */
    static void hold(Duration duration) {
        Awaitility.await().pollDelay(duration).atMost(duration.plusSeconds(5)).until(() -> true);
    }

    static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }
}
