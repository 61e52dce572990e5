package dev.cachepatterns.cluster;

import java.util.Map;
import java.util.UUID;

import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

import static io.restassured.RestAssured.given;

/** The HTTP calls and Redis key names the cluster tests share (key names as docs/redis-cluster.md lists them). */
final class ClusterApi {

    private ClusterApi() {}

    static String userKey(long id) {
        return "cp:users:" + id;
    }

    static String skuKey(String sku) {
        return "cp:inventory:" + sku;
    }

    static String boardKey(String board) {
        return "cp:lb:{" + board + "}:scores";
    }

    static final String POSTS_STREAM = "cp:wb:{posts}:stream";

    static String unique(String stem) {
        return stem + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static ValidatableResponse putStock(String sku, int quantity) {
        return given().contentType(ContentType.JSON)
                .body(Map.of("name", "Item " + sku, "quantity", quantity))
                .put("/inventory/{sku}", sku)
                .then();
    }

    static int reserve(String sku, int quantity) {
        return given().contentType(ContentType.JSON)
                .body(Map.of("quantity", quantity))
                .post("/inventory/{sku}/reservations", sku)
                .statusCode();
    }

    static void score(String board, String player, long points) {
        given().contentType(ContentType.JSON)
                .body(Map.of("player", player, "points", points))
                .post("/leaderboards/{board}/scores", board)
                .then()
                .statusCode(200);
    }

    /** Views and likes of a post as Postgres holds them (flushed increments only). */
    static long[] flushed(Pool pool, String slug) {
        Row row = pool.preparedQuery("SELECT views, likes FROM posts WHERE slug = $1")
                .execute(Tuple.of(slug))
                .await()
                .indefinitely()
                .iterator()
                .next();
        return new long[] {row.getLong("views"), row.getLong("likes")};
    }
}
