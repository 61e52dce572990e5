package dev.cachepatterns.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.vertx.mutiny.sqlclient.Pool;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.cachepatterns.cache.HashSlot;
import dev.cachepatterns.support.Metrics;
import dev.cachepatterns.support.Posts;
import dev.cachepatterns.support.RedisCluster;
import dev.cachepatterns.support.RedisClusterProfile;
import dev.cachepatterns.support.RedisClusterResource;
import dev.cachepatterns.support.RedisServer;
import dev.cachepatterns.support.Users;

import static dev.cachepatterns.cluster.ClusterApi.boardKey;
import static dev.cachepatterns.cluster.ClusterApi.flushed;
import static dev.cachepatterns.cluster.ClusterApi.putStock;
import static dev.cachepatterns.cluster.ClusterApi.reserve;
import static dev.cachepatterns.cluster.ClusterApi.score;
import static dev.cachepatterns.cluster.ClusterApi.skuKey;
import static dev.cachepatterns.cluster.ClusterApi.unique;
import static dev.cachepatterns.cluster.ClusterApi.userKey;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;

/** The four strategies, through the HTTP API, on a real three-master Redis Cluster (configuration profile "cluster"). */
@QuarkusTest
@TestProfile(RedisClusterProfile.class)
class ClusterStrategiesTest {

    @Inject
    MeterRegistry registry;

    @Inject
    Pool pool;

    private RedisCluster cluster() {
        return RedisClusterResource.cluster();
    }

    @Test
    void theServiceComputesTheSlotsRedisComputes() {
        for (String key : List.of(
                userKey(42),
                skuKey("SKU-1"),
                boardKey("global"),
                "cp:lb:{global}:deltas",
                ClusterApi.POSTS_STREAM,
                "cp:{posts}:hello",
                "cp:fills",
                "123456789",
                "foo{}{bar}",
                "foo{{bar}}zap")) {
            assertThat(HashSlot.of(key)).as(key).isEqualTo(cluster().keySlot(key));
        }
    }

    @Test
    void healthDashboardAndMetricsWorkOnTheCluster() {
        given().get("/q/health/ready")
                .then()
                .statusCode(200)
                .body("checks.find { it.name == 'redis-cache' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'write-behind-posts' }.status", equalTo("UP"));
        given().get("/dashboard/stats").then().statusCode(200).body("redisCircuit", equalTo("closed"));
        // INFO would reach a random node per poll: the redis_* INFO meters stay off on a cluster.
        assertThat(registry.find("redis.memory.used").gauge()).isNull();
    }

    @Test
    void cacheAsideHitsMissesBulkReadsOverSlotsAndInvalidates() {
        Metrics metrics = new Metrics(registry);
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            ids.add(Users.create("Cluster User " + i));
        }
        Set<Integer> masters =
                ids.stream().map(id -> cluster().masterOf(userKey(id)).port()).collect(Collectors.toSet());
        assertThat(masters).as("the users' keys are spread over every master").hasSize(3);

        long single = ids.get(0);
        double loads = metrics.loads("users");
        double hits = metrics.gets("users", "hit");
        given().get("/users/{id}", single).then().statusCode(200).body("name", equalTo("Cluster User 0"));
        given().get("/users/{id}", single).then().statusCode(200).body("name", equalTo("Cluster User 0"));
        assertThat(metrics.loads("users") - loads).as("one load, then a hit").isEqualTo(1);
        assertThat(metrics.gets("users", "hit") - hits).isEqualTo(1);

        // One MGET that the cluster client splits per slot, one bulk load, the fill pipelined per slot.
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
            RedisServer master = cluster().masterOf(userKey(id));
            assertThat(cluster().cli(master, "exists", userKey(id)).trim()).isEqualTo("1");
        }

        given().contentType(ContentType.JSON)
                .body(Map.of(
                        "name",
                        "Renamed",
                        "email",
                        "renamed-" + single + "@example.com",
                        "avatarUrl",
                        "https://x/y.png"))
                .put("/users/{id}", single)
                .then()
                .statusCode(200);
        given().get("/users/{id}", single).then().statusCode(200).body("name", equalTo("Renamed"));
        given().get("/users/123456789").then().statusCode(404);
        given().get("/users/123456789").then().statusCode(404);
    }

    @Test
    void writeThroughStoresOnTheClusterAndNeverOversells() throws Exception {
        Metrics metrics = new Metrics(registry);
        String sku = unique("CLUSTER");
        putStock(sku, 5).statusCode(200).header("Cache-Write", "stored");
        double hits = metrics.gets("inventory", "hit");
        given().get("/inventory/{sku}", sku).then().statusCode(200).body("quantity", equalTo(5));
        assertThat(metrics.gets("inventory", "hit") - hits).isEqualTo(1);

        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Integer>> reservations = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                reservations.add(() -> reserve(sku, 1));
            }
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> status : pool.invokeAll(reservations)) {
                statuses.add(status.get());
            }
            assertThat(statuses).filteredOn(s -> s == 200).hasSize(5);
            assertThat(statuses).filteredOn(s -> s == 409).hasSize(7);
        } finally {
            pool.shutdownNow();
        }
        given().get("/inventory/{sku}", sku).then().statusCode(200).body("quantity", equalTo(0));
        String entry = cluster().cli(cluster().masterOf(skuKey(sku)), "hget", skuKey(sku), "json");
        assertThat(entry).contains("\"quantity\":0");
    }

    @Test
    void writeBehindAcceptsOnTheClusterAndFlushesExactly() {
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
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(flushed(pool, slug)).containsExactly(30, 7));
        given().get("/posts/{slug}", slug)
                .then()
                .statusCode(200)
                .body("views", equalTo(30))
                .body("likes", equalTo(7));
    }

    @Test
    void refreshAheadRanksAndRefreshesBoardsOnTheCluster() {
        Metrics metrics = new Metrics(registry);
        // One board on each master.
        Map<Integer, String> boards = new HashMap<>();
        while (boards.size() < 3) {
            String board = unique("cluster-board");
            boards.putIfAbsent(cluster().masterOf(boardKey(board)).port(), board);
        }
        for (String board : boards.values()) {
            score(board, "carol", 5);
            score(board, "alice", 10);
            score(board, "bob", 10);
            score(board, "dave", 1);
            given().get("/leaderboards/{board}?limit=3", board)
                    .then()
                    .statusCode(200)
                    .body("entries.player", contains("alice", "bob", "carol"))
                    .body("entries.rank", contains(1, 2, 3));
            score(board, "dave", 20);
            double hits = metrics.gets("leaderboards", "hit");
            given().get("/leaderboards/{board}/players/dave", board)
                    .then()
                    .statusCode(200)
                    .body("score", equalTo(21))
                    .body("rank", equalTo(1));
            assertThat(metrics.gets("leaderboards", "hit") - hits)
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
