package dev.cachepatterns.leaderboards;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.ConfigProvider;

import dev.cachepatterns.support.LoadDriver;
import dev.cachepatterns.support.Metrics;
import dev.cachepatterns.support.Outcomes;
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

/** The leaderboard example (refresh-ahead over sorted sets) in the tests that exercise every example at once. */
public class LeaderboardsUnderTest implements ExampleUnderTest {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final List<String> PLAYERS = List.of("ann", "bob", "cid");

    @Override
    public String name() {
        return "leaderboards";
    }

    @Override
    public List<String> caches() {
        return List.of(LeaderboardService.CACHE);
    }

    @Override
    public List<String> keyPrefixProperties() {
        return List.of("cache.leaderboards.key-prefix");
    }

    @Override
    public List<Endpoint> writeEndpoints() {
        return List.of(
                new Endpoint("POST", "/leaderboards/global/scores", "{\"player\":\"alice\",\"points\":10}", 200));
    }

    @Override
    public List<Endpoint> preparedWrites(String label) {
        return List.of(new Endpoint(
                "POST",
                "/leaderboards/" + Boards.unique(label) + "/scores",
                "{\"player\":\"alice\",\"points\":10}",
                200));
    }

    private static String keyPrefix() {
        return ConfigProvider.getConfig().getValue("cache.leaderboards.key-prefix", String.class);
    }

    @Override
    public Scenario prepare(String label) {
        List<String> boards = IntStream.range(0, 2)
                .mapToObj(i -> Boards.unique(label + "-board"))
                .toList();
        for (String board : boards) {
            for (String player : PLAYERS) {
                Boards.submit(board, player, player.length() * 10L + player.charAt(0));
            }
        }
        Scenario scenario = new BoardsScenario(boards);
        scenario.warm();
        return scenario;
    }

    private record BoardsScenario(List<String> boards) implements Scenario {

        @Override
        public LoadDriver.Call call(LoadDriver driver, long n) {
            return driver.get("leaderboards.get", "/leaderboards/" + boards.get((int) (n % boards.size())));
        }

        @Override
        public Role role(String label) {
            // Test TTLs are short: a board may expire while Postgres is down, and then only Postgres can answer.
            return Role.SOURCE_READ;
        }

        @Override
        public int success(String label) {
            return 200;
        }

        @Override
        public void warm() {
            // A miss answers from Postgres and rebuilds in the background: warm means the board is in Redis, which
            // shows as two reads returning the same refreshedAt (one answered from Postgres stamps the time of the
            // read).
            for (String board : boards) {
                Awaitility.await()
                        .atMost(Duration.ofSeconds(30))
                        .pollInterval(Duration.ofMillis(50))
                        .until(() -> refreshedAt(board).equals(refreshedAt(board)));
            }
        }

        private static String refreshedAt(String board) {
            return given().get("/leaderboards/{board}", board)
                    .then()
                    .statusCode(200)
                    .extract()
                    .path("refreshedAt");
        }

        @Override
        public List<String> cachedKeys() {
            return boards.stream()
                    .map(board -> Boards.refreshedAtKey(keyPrefix(), board))
                    .toList();
        }

        /** Every board ranks its players as Postgres totals them. */
        @Override
        public void assertConsistent(Outcomes outcomes, Pool pool) {
            for (String board : boards) {
                List<String> expected = new ArrayList<>();
                for (Row row : pool.preparedQuery("SELECT player FROM score_events WHERE board = $1 GROUP BY player"
                                + " ORDER BY SUM(points) DESC, player COLLATE \"C\"")
                        .execute(Tuple.of(board))
                        .await()
                        .atMost(Duration.ofSeconds(5))) {
                    expected.add(row.getString(0));
                }
                Awaitility.await()
                        .atMost(Duration.ofSeconds(20))
                        .untilAsserted(() -> given().get("/leaderboards/{board}", board)
                                .then()
                                .statusCode(200)
                                .body("entries.player", contains(expected.toArray())));
            }
        }
    }

    @Override
    public List<LoadDriver.Call> coldCalls(LoadDriver driver, Pool pool, int count) {
        List<LoadDriver.Call> calls = new ArrayList<>();
        String run = Boards.unique("storm");
        for (Row row : pool.preparedQuery(
                        "INSERT INTO score_events (board, player, points) SELECT $1::text || '-' || n, 'p', n"
                                + " FROM generate_series(1, $2::int) AS n RETURNING board")
                .execute(Tuple.of(run, count))
                .await()
                .atMost(Duration.ofSeconds(30))) {
            calls.add(driver.get("leaderboards.get", "/leaderboards/" + row.getString(0)));
        }
        return calls;
    }

    @Override
    public LoadDriver.Call uncachedRead(LoadDriver driver, long n) {
        return driver.get("leaderboards.miss", "/leaderboards/" + Boards.unique("miss"));
    }

    @Override
    public void tour(dev.cachepatterns.support.client.ApiClient client, String label) throws Exception {
        var boards = new dev.cachepatterns.support.client.api.LeaderboardsApi(client);
        String board = "tour-" + label;
        var alice = boards.submitScore(
                board,
                new dev.cachepatterns.support.client.model.ScoreInput()
                        .player("alice")
                        .points(10L),
                null);
        assertThat(alice.getScore()).isEqualTo(10L);
        assertThat(alice.getRank()).isEqualTo(1L);
        assertThat(boards.getLeaderboard(board, 10).getEntries())
                .extracting(dev.cachepatterns.support.client.model.LeaderboardEntry::getPlayer)
                .containsExactly("alice");
        assertThat(boards.getPlayerScore(board, "alice").getScore()).isEqualTo(10L);
        // The tour's last step, the server-sent events of GET /leaderboards/{board}/stream, never ends, which a
        // request-response client cannot read; LeaderboardApiTest reads the stream.
    }

    @Override
    public void fuzz(Fuzz fuzz) {
        fuzz.send("POST", "/leaderboards/fuzz/scores", "{\"player\":\"p1\",\"points\":5}", "application/json");
        for (Fuzz.Slot s : fuzz.slots()) {
            Predicate<Integer> name = Fuzz.rule(s, raw -> NAME.matcher(raw).matches());
            fuzz.expect(
                    "POST /leaderboards/{board}/scores",
                    fuzz.send(
                            "POST",
                            "/leaderboards/" + s.encoded() + "/scores",
                            "{\"player\":\"p1\",\"points\":1}",
                            "application/json"),
                    name);
            fuzz.expect(
                    "GET /leaderboards/{board}", fuzz.send("GET", "/leaderboards/" + s.encoded() + "?limit=3"), name);
            fuzz.expect(
                    "GET /leaderboards/{board}/players/{player}",
                    fuzz.send("GET", "/leaderboards/" + s.encoded() + "/players/p1"),
                    name);
            fuzz.expect(
                    "GET /leaderboards/fuzz/players/{player}",
                    fuzz.send("GET", "/leaderboards/fuzz/players/" + s.encoded()),
                    name);
            fuzz.expect(
                    "GET /leaderboards/{board}/stream",
                    fuzz.send("GET", "/leaderboards/" + s.encoded() + "/stream"),
                    name);
            // An empty limit is no limit (the default); the path rules do not apply to a query parameter.
            Predicate<Integer> limit = s.raw() == null
                    ? status -> status >= 400 && status < 500
                    : s.raw().isEmpty() || isLimit(s.raw()) ? Fuzz.is(200) : Fuzz.is(400, 414);
            fuzz.expect(
                    "GET /leaderboards/fuzz?limit", fuzz.send("GET", "/leaderboards/fuzz?limit=" + s.encoded()), limit);
            fuzz.expect(
                    "GET /leaderboards/fuzz/stream?limit",
                    fuzz.send("GET", "/leaderboards/fuzz/stream?limit=" + s.encoded()),
                    limit);
        }
        for (String value : fuzz.strings()) {
            fuzz.expect(
                    "POST /leaderboards/fuzz/scores player",
                    fuzz.send(
                            "POST",
                            "/leaderboards/fuzz/scores",
                            "{\"player\":" + Fuzz.json(value) + ",\"points\":1}",
                            "application/json"),
                    NAME.matcher(value).matches() ? Fuzz.is(200) : Fuzz.is(400));
        }
        for (String wrong : fuzz.wrongTypes()) {
            fuzz.expect(
                    "POST scores points",
                    fuzz.send(
                            "POST",
                            "/leaderboards/fuzz/scores",
                            "{\"player\":\"p\",\"points\":" + wrong + "}",
                            "application/json"),
                    Fuzz.is(400));
            if (!wrong.startsWith("\"")) { // a JSON string is a name, judged by the name rule above
                fuzz.expect(
                        "POST scores player type",
                        fuzz.send(
                                "POST",
                                "/leaderboards/fuzz/scores",
                                "{\"player\":" + wrong + ",\"points\":1}",
                                "application/json"),
                        Fuzz.is(400));
            }
        }
        fuzz.malformedBodies("POST", "/leaderboards/fuzz/scores");
    }

    /** The documented limit rule: an integer from 1 to 100 (at most 4 characters). */
    private static boolean isLimit(String raw) {
        return raw.length() <= 4
                && raw.chars().allMatch(c -> c >= '0' && c <= '9')
                && Integer.parseInt(raw) >= 1
                && Integer.parseInt(raw) <= 100;
    }

    @Override
    public void verifyOnCluster(ClusterContext context) {
        Metrics metrics = new Metrics(context.registry());
        // One board on each master.
        Map<Integer, String> boards = new HashMap<>();
        while (boards.size() < 3) {
            String board = Boards.unique("cluster-board");
            boards.putIfAbsent(
                    context.cluster()
                            .masterOf(Boards.scoresKey(keyPrefix(), board))
                            .port(),
                    board);
        }
        for (String board : boards.values()) {
            Boards.submit(board, "carol", 5);
            Boards.submit(board, "alice", 10);
            Boards.submit(board, "bob", 10);
            Boards.submit(board, "dave", 1);
            given().get("/leaderboards/{board}?limit=3", board)
                    .then()
                    .statusCode(200)
                    .body("entries.player", contains("alice", "bob", "carol"))
                    .body("entries.rank", contains(1, 2, 3));
            Boards.submit(board, "dave", 20);
            double hits = metrics.gets(LeaderboardService.CACHE, "hit");
            given().get("/leaderboards/{board}/players/dave", board)
                    .then()
                    .statusCode(200)
                    .body("score", equalTo(21))
                    .body("rank", equalTo(1));
            assertThat(metrics.gets(LeaderboardService.CACHE, "hit") - hits)
                    .as("served from the sorted set")
                    .isEqualTo(1);
            String refreshedAt = given().get("/leaderboards/{board}", board).path("refreshedAt");
            // The test profile's 4 s TTL: the board is rebuilt ahead of expiry by the scheduled refresh.
            Awaitility.await()
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> !refreshedAt.equals(
                            given().get("/leaderboards/{board}", board).path("refreshedAt")));
            given().get("/leaderboards/{board}?limit=10", board)
                    .then()
                    .statusCode(200)
                    .body("entries.player", contains("dave", "alice", "bob", "carol"));
        }
    }
}
