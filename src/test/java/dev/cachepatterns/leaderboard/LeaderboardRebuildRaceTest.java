package dev.cachepatterns.leaderboard;

import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;

import jakarta.inject.Inject;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.cachepatterns.cache.DistributedLock;
import dev.cachepatterns.cache.RankedSetCache;
import dev.cachepatterns.leaderboard.Boards.Expected;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Two rebuilds of one board whose Redis commands interleave, as they do when a command times out on the client (250 ms)
 * but Redis still runs it later, or when a rebuild outlives its lock lease. The steps of each rebuild ({@code
 * beginRebuild}, {@code build}, {@code swap}) are called in the order that once left the board empty or incomplete
 * while {@code refreshed-at} said it was cached: whatever the order, the board users read stays complete.
 */
@QuarkusTest
class LeaderboardRebuildRaceTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Inject
    LeaderboardService service;

    @Inject
    RedisDataSource redis;

    @Inject
    DataSource dataSource;

    @Inject
    ScoreEventRepository repository;

    @Inject
    DistributedLock lock;

    private RankedSetCache sets() {
        return service.rankedSets();
    }

    private String cachedBoard(String name) {
        String board = Boards.unique(name);
        Boards.submit(board, "ann", 30);
        Boards.submit(board, "ben", 20);
        Boards.submit(board, "cy", 10);
        given().get("/leaderboards/{board}", board).then().statusCode(200);
        Awaitility.await()
                .atMost(WAIT)
                .until(() -> redis.key().exists(service.refreshAhead().refreshedAtKey(board)));
        // The read-triggered rebuild has released its lock: from here on the test alone plays the rebuilds. A long TTL
        // keeps refresh-ahead (read and scheduled triggers) away from the board until a swap of the test sets it anew.
        Awaitility.await()
                .atMost(WAIT)
                .until(() -> !redis.key().exists(service.refreshAhead().lockKey(board)));
        String expireAt = String.valueOf(System.currentTimeMillis() + 60_000);
        redis.execute("PEXPIREAT", service.refreshAhead().refreshedAtKey(board), expireAt);
        redis.execute("PEXPIREAT", sets().scoresKey(board), expireAt);
        return board;
    }

    private String acquire(String board) {
        return lock.tryAcquire(service.refreshAhead().lockKey(board), Duration.ofSeconds(30))
                .await()
                .atMost(WAIT)
                .orElseThrow();
    }

    private ScoreEventRepository.BoardTotals totals(String board) {
        return repository.totals(board).await().atMost(WAIT);
    }

    /**
     * The board as users read it — from the cache (it must be cached) — equals what Postgres computes, and the set
     * expires at the same millisecond as {@code refreshed-at}.
     */
    private void boardMatchesPostgres(String board) throws Exception {
        assertThat(redis.key().exists(service.refreshAhead().refreshedAtKey(board)))
                .isTrue();
        assertThat(redis.execute("PEXPIRETIME", sets().scoresKey(board)).toLong())
                .isEqualTo(redis.execute("PEXPIRETIME", service.refreshAhead().refreshedAtKey(board))
                        .toLong());
        List<Expected> expected = Boards.computedByPostgres(dataSource, board);
        JsonPath top = given().get("/leaderboards/{board}?limit=100", board)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(top.getList("entries.player", String.class))
                .containsExactlyElementsOf(
                        expected.stream().map(Expected::player).toList());
        assertThat(top.getList("entries.score", Long.class))
                .containsExactlyElementsOf(
                        expected.stream().map(Expected::score).toList());
        for (Expected line : expected) {
            given().get("/leaderboards/{board}/players/{player}", board, line.player())
                    .then()
                    .statusCode(200);
        }
    }

    @Test
    void aRebuildWhoseLeaseRanOutCannotEmptyOrOverwriteTheBuildOfTheRebuildThatTookOver() throws Exception {
        String board = cachedBoard("leaseout");
        String lockKey = service.refreshAhead().lockKey(board);

        String first = acquire(board);
        assertThat(sets().beginRebuild(board, first).await().atMost(WAIT)).isTrue();
        ScoreEventRepository.BoardTotals firstTotals = totals(board);
        sets().build(board, first, firstTotals.totals()).await().atMost(WAIT);

        // The first rebuild's lease runs out; a second one takes the lock and builds.
        redis.key().del(lockKey);
        String second = acquire(board);
        assertThat(sets().beginRebuild(board, second).await().atMost(WAIT)).isTrue();
        ScoreEventRepository.BoardTotals secondTotals = totals(board);
        sets().build(board, second, secondTotals.totals()).await().atMost(WAIT);

        // The first rebuild's swap arrives now and is refused; then a chunk of it that Redis ran late, stale data.
        assertThat(sets().swap(board, first, firstTotals.totals().size(), firstTotals.snapshot())
                        .await()
                        .atMost(WAIT))
                .isFalse();
        sets().build(board, first, List.of(new RankedSetCache.Total("ann", 1)))
                .await()
                .atMost(WAIT);

        assertThat(sets().swap(board, second, secondTotals.totals().size(), secondTotals.snapshot())
                        .await()
                        .atMost(WAIT))
                .isTrue();
        boardMatchesPostgres(board);
    }

    @Test
    void aLateBeginRebuildOfAnAbandonedRebuildCannotWipeTheNextRebuildsSetOrDeltaLog() throws Exception {
        String board = cachedBoard("latebegin");
        String lockKey = service.refreshAhead().lockKey(board);

        // The first rebuild's beginRebuild timed out on the client (Redis has not run it yet): the rebuild failed
        // and released its lock.
        String first = acquire(board);
        assertThat(lock.release(lockKey, first).await().atMost(WAIT)).isTrue();

        String second = acquire(board);
        assertThat(sets().beginRebuild(board, second).await().atMost(WAIT)).isTrue();
        ScoreEventRepository.BoardTotals secondTotals = totals(board);
        sets().build(board, second, secondTotals.totals()).await().atMost(WAIT);
        // A score committed after the second rebuild's snapshot: only its delta log carries it into the new set.
        Boards.submit(board, "dan", 5);

        // Redis runs the first rebuild's beginRebuild now (its result no longer reaches anybody).
        sets().beginRebuild(board, first).await().atMost(WAIT);

        assertThat(sets().swap(board, second, secondTotals.totals().size(), secondTotals.snapshot())
                        .await()
                        .atMost(WAIT))
                .isTrue();
        boardMatchesPostgres(board);
        assertThat(Boards.computedByPostgres(dataSource, board)).hasSize(4);
    }

    @Test
    void aSwapRefusesASetBuiltAsideThatIsIncompleteAndTheCurrentBoardStays() throws Exception {
        String board = cachedBoard("incomplete");
        String refreshedAt =
                redis.value(String.class).get(service.refreshAhead().refreshedAtKey(board));
        String token = acquire(board);
        assertThat(sets().beginRebuild(board, token).await().atMost(WAIT)).isTrue();
        ScoreEventRepository.BoardTotals totals = totals(board);
        sets().build(board, token, totals.totals()).await().atMost(WAIT);
        // A chunk lost on the way (or the set expired/was deleted): the set built aside lacks a player.
        redis.sortedSet(String.class).zrem(sets().nextKey(board, token), "cy");

        assertThatThrownBy(() -> sets().swap(board, token, totals.totals().size(), totals.snapshot())
                        .await()
                        .atMost(WAIT))
                .hasMessageContaining("incomplete");

        assertThat(redis.value(String.class).get(service.refreshAhead().refreshedAtKey(board)))
                .isEqualTo(refreshedAt);
        assertThat(redis.key().exists(sets().nextKey(board, token))).isFalse();
        boardMatchesPostgres(board);
        lock.release(service.refreshAhead().lockKey(board), token).await().atMost(WAIT);
    }
}
