package dev.cachepatterns.posts;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.redis.datasource.stream.StreamRange;
import io.quarkus.redis.datasource.stream.XGroupCreateArgs;
import io.quarkus.redis.datasource.stream.XReadGroupArgs;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.cachepatterns.cache.WriteBehind;
import dev.cachepatterns.support.Metrics;
import dev.cachepatterns.support.Posts;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/**
 * The write-behind mechanics with the timer-driven flusher off: the test runs each flush itself, simulates crashed
 * flushers with a consumer of its own, and fills the backlog.
 */
@QuarkusTest
@TestProfile(PostWriteBehindTest.Profile.class)
class PostWriteBehindTest {

    static final int MAX_BACKLOG = 40;

    public static class Profile extends UniqueKeys {
        @Override
        protected Map<String, String> more() {
            return Map.of(
                    "write-behind.posts.flush-enabled", "false",
                    "write-behind.posts.max-backlog", String.valueOf(MAX_BACKLOG),
                    "write-behind.posts.batch-size", "7",
                    "write-behind.posts.claim-idle", "1s",
                    "write-behind.posts.max-tries", "3",
                    "write-behind.posts.retry-after", "3s");
        }
    }

    @Inject
    PostService service;

    @Inject
    RedisDataSource redis;

    @Inject
    Pool pool;

    @Inject
    MeterRegistry registry;

    WriteBehind engagement;

    @BeforeEach
    void emptyTheQueue() {
        engagement = service.engagement();
        engagement.drain(Duration.ofSeconds(10)).await().indefinitely();
    }

    @Test
    void acceptedIncrementsAreReadBeforeTheFlushAndAppliedOnceByIt() {
        String slug = Posts.create("pending");
        for (int i = 1; i <= 5; i++) {
            given().post("/posts/{slug}/views", slug).then().statusCode(202).body("views", equalTo(i));
        }
        given().post("/posts/{slug}/likes", slug).then().statusCode(202).body("likes", equalTo(1));
        given().post("/posts/{slug}/likes", slug).then().statusCode(202).body("views", equalTo(5));

        assertThat(countsInPostgres(slug)).containsExactly(0L, 0L);
        given().get("/posts/{slug}", slug)
                .then()
                .statusCode(200)
                .body("views", equalTo(5))
                .body("likes", equalTo(2));
        engagement.measure().await().indefinitely();
        assertThat(registry.find("write.behind.pending").gauge().value()).isEqualTo(7.0);
        assertThat(redis.key().exists(service.cache().keyOf(slug))).isTrue();

        WriteBehind.FlushReport report = engagement.flush().await().indefinitely();

        assertThat(report.applied()).isEqualTo(7);
        assertThat(countsInPostgres(slug)).containsExactly(5L, 2L);
        assertThat(redis.hash(String.class).hgetall(engagement.pendingKey())).isEmpty();
        assertThat(redis.stream(String.class).xlen(engagement.streamKey())).isZero();
        // The cached copy held the old counts: the flush dropped it together with the pending deltas and loaded the
        // post again, so the next view is a cache hit with the flushed counts and costs Postgres nothing.
        Metrics metrics = new Metrics(registry);
        double loadsAfterFlush = metrics.loads("posts");
        double hitsAfterFlush = metrics.gets("posts", "hit");
        assertThat(redis.value(String.class).get(service.cache().keyOf(slug))).contains("\"views\":5");
        given().post("/posts/{slug}/views", slug).then().statusCode(202).body("views", equalTo(6));
        assertThat(metrics.loads("posts")).isEqualTo(loadsAfterFlush);
        assertThat(metrics.gets("posts", "hit")).isEqualTo(hitsAfterFlush + 1);
        given().get("/posts/{slug}", slug)
                .then()
                .statusCode(200)
                .body("views", equalTo(6))
                .body("likes", equalTo(2));
        engagement.flush().await().indefinitely();
        assertThat(engagement.flush().await().indefinitely().applied()).isZero();
        assertThat(countsInPostgres(slug)).containsExactly(6L, 2L);
    }

    @Test
    void aFullBacklogAnswers503WithRetryAfterAndLosesNothingAccepted() {
        String slug = Posts.create("backlog");
        for (int i = 0; i < MAX_BACKLOG; i++) {
            given().post("/posts/{slug}/views", slug).then().statusCode(202);
        }
        given().post("/posts/{slug}/views", slug)
                .then()
                .statusCode(503)
                .contentType("application/problem+json")
                .header("Retry-After", "3")
                .body("detail", containsString("backlog"));
        given().post("/posts/{slug}/likes", slug).then().statusCode(503);
        given().get("/posts/{slug}", slug).then().statusCode(200).body("views", equalTo(MAX_BACKLOG));

        engagement.drain(Duration.ofSeconds(10)).await().indefinitely();

        assertThat(countsInPostgres(slug)).containsExactly((long) MAX_BACKLOG, 0L);
        given().post("/posts/{slug}/views", slug).then().statusCode(202).body("views", equalTo(MAX_BACKLOG + 1));
    }

    @Test
    void anEntryReplayedAfterACrashBetweenCommitAndAckIsNotAppliedTwice() {
        String slug = Posts.create("replay");
        for (int i = 0; i < 3; i++) {
            given().post("/posts/{slug}/views", slug).then().statusCode(202);
        }
        // A flusher reads the entries, commits them to Postgres with their ledger rows, and dies before XACK.
        List<StreamMessage<String, String, String>> taken = readAsCrashedConsumer();
        assertThat(taken).hasSize(3);
        pool.withTransaction(tx -> tx.preparedQuery("INSERT INTO write_behind_applied (id) SELECT unnest($1::uuid[])")
                        .execute(Tuple.of(taken.stream()
                                .map(m -> UUID.fromString(m.payload().get("id")))
                                .toArray(UUID[]::new)))
                        .flatMap(ignored -> tx.preparedQuery("UPDATE posts SET views = views + 3 WHERE slug = $1")
                                .execute(Tuple.of(slug))))
                .await()
                .indefinitely();

        // Once the entries are idle for claim-idle, a live flusher claims them, finds them in the ledger, skips them.
        WriteBehind.FlushReport replayed = Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> engagement.flush().await().indefinitely(), report -> report.replayed() == 3);

        assertThat(replayed.applied()).isZero();
        assertThat(countsInPostgres(slug)).containsExactly(3L, 0L);
        assertThat(redis.hash(String.class).hgetall(engagement.pendingKey())).isEmpty();
        assertThat(redis.stream(String.class)
                        .xpending(engagement.streamKey(), "flushers")
                        .getPendingCount())
                .isZero();
        given().get("/posts/{slug}", slug).then().statusCode(200).body("views", equalTo(3));
    }

    @Test
    void entriesOfAFlusherThatCrashedBeforeCommittingAreClaimedAndAppliedOnce() {
        String slug = Posts.create("claim");
        given().post("/posts/{slug}/likes", slug).then().statusCode(202);
        given().post("/posts/{slug}/likes", slug).then().statusCode(202);
        assertThat(readAsCrashedConsumer()).hasSize(2);

        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> engagement.flush().await().indefinitely(), report -> report.applied() == 2);

        assertThat(countsInPostgres(slug)).containsExactly(0L, 2L);
        given().get("/posts/{slug}", slug).then().statusCode(200).body("likes", equalTo(2));
    }

    @Test
    void malformedEntriesGoToTheDeadLetterStream() {
        double deadBefore = dead();
        String id = redis.stream(String.class)
                .xadd(engagement.streamKey(), Map.of("e", "x", "f", "bogus", "d", "1", "id", "not-a-uuid"));

        WriteBehind.FlushReport report = engagement.flush().await().indefinitely();

        assertThat(report.dead()).isEqualTo(1);
        assertThat(dead()).isEqualTo(deadBefore + 1);
        List<StreamMessage<String, String, String>> deadLetters =
                redis.stream(String.class).xrange(engagement.deadLetterKey(), StreamRange.of("-", "+"));
        assertThat(deadLetters)
                .anySatisfy(m -> assertThat(m.payload())
                        .containsEntry("source-id", id)
                        .containsEntry("reason", "malformed entry")
                        .containsEntry("f", "bogus"));
        assertThat(redis.stream(String.class).xlen(engagement.streamKey())).isZero();
    }

    @Test
    void entriesTheDatabaseKeepsRejectingAreDeadLetteredWhileOthersFlush() {
        String full = Posts.create("overflowing");
        String fine = Posts.create("fine");
        pool.preparedQuery("UPDATE posts SET views = 9223372036854775806 WHERE slug = $1")
                .execute(Tuple.of(full))
                .await()
                .indefinitely();
        given().post("/posts/{slug}/views", full).then().statusCode(202);
        given().post("/posts/{slug}/views", full).then().statusCode(202);
        given().post("/posts/{slug}/views", fine).then().statusCode(202);
        double deadBefore = dead();

        WriteBehind.FlushReport first = engagement.flush().await().indefinitely();
        assertThat(first.applied()).isEqualTo(1);
        assertThat(countsInPostgres(fine)).containsExactly(1L, 0L);

        engagement.flush().await().indefinitely();
        WriteBehind.FlushReport third = engagement.flush().await().indefinitely();

        assertThat(third.dead()).isEqualTo(2);
        assertThat(dead()).isEqualTo(deadBefore + 2);
        assertThat(countsInPostgres(full)).containsExactly(9223372036854775806L, 0L);
        assertThat(redis.hash(String.class).hgetall(engagement.pendingKey())).isEmpty();
        assertThat(redis.stream(String.class).xrange(engagement.deadLetterKey(), StreamRange.of("-", "+")))
                .filteredOn(m -> full.equals(m.payload().get("e")))
                .hasSize(2)
                .allSatisfy(m -> assertThat(m.payload().get("reason")).startsWith("failed 3 times"));
    }

    private List<StreamMessage<String, String, String>> readAsCrashedConsumer() {
        try {
            redis.stream(String.class)
                    .xgroupCreate(engagement.streamKey(), "flushers", "0", new XGroupCreateArgs().mkstream());
        } catch (RuntimeException alreadyThere) {
            // BUSYGROUP: the flusher created it
        }
        return redis.stream(String.class)
                .xreadgroup(
                        "flushers",
                        "crashed-" + UUID.randomUUID(),
                        engagement.streamKey(),
                        ">",
                        new XReadGroupArgs().count(100));
    }

    private double dead() {
        Counter counter =
                registry.find("write.behind.dead").tag("name", "posts").counter();
        return counter == null ? 0 : counter.count();
    }

    private List<Long> countsInPostgres(String slug) {
        Row row = pool.preparedQuery("SELECT views, likes FROM posts WHERE slug = $1")
                .execute(Tuple.of(slug))
                .await()
                .indefinitely()
                .iterator()
                .next();
        return List.of(row.getLong("views"), row.getLong("likes"));
    }
}
