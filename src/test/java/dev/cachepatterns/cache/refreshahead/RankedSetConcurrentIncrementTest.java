package dev.cachepatterns.cache.refreshahead;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.inject.Inject;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.mutiny.sqlclient.Pool;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.cachepatterns.cache.core.DistributedLock;
import dev.cachepatterns.cache.writebehind.StrategyTestProfile;

import static dev.cachepatterns.cache.refreshahead.ScoreTable.WAIT;
import static dev.cachepatterns.cache.refreshahead.ScoreTable.counter;
import static dev.cachepatterns.cache.refreshahead.ScoreTable.liveSet;
import static dev.cachepatterns.cache.refreshahead.ScoreTable.totalsOf;
import static dev.cachepatterns.cache.refreshahead.ScoreTable.unique;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * No increment is lost or counted twice by a concurrent rebuild. Increments are applied to the live set at once and,
 * while a rebuild holds the lock, logged with the id of their committing transaction; the swap replays exactly those
 * its snapshot did not see. Deterministic: the rebuild's source read is held until increments have committed (before
 * its snapshot, or after it), then released; the three commit orders of an increment against the snapshot (committed
 * before it but applied to Redis after it, in progress during it, committed after it) are played step by step; an
 * increment delayed past a whole rebuild is not added again. And a stress run: 400 increments, 32 at a time, racing
 * back-to-back rebuilds, after which the live set is exactly what the source computes.
 */
@QuarkusTest
@TestProfile(StrategyTestProfile.class)
class RankedSetConcurrentIncrementTest {

    @Inject
    RefreshAheadFactory factory;

    @Inject
    Pool pool;

    @Inject
    RedisDataSource redis;

    @Inject
    DistributedLock lock;

    @Inject
    MeterRegistry registry;

    ScoreTable source;
    String name;
    RankedSetCache cache;

    @BeforeEach
    void cache() {
        source = new ScoreTable(pool);
        name = unique("ra-increments");
        cache = factory.rankings(name, TestRefreshAheadSettings.quiet(), source);
    }

    private String cachedRanking(String hint) {
        String id = unique(hint);
        source.add(id, "ann", 10);
        source.add(id, "bob", 5);
        assertThat(cache.refresh(id, RefreshAhead.Trigger.SCHEDULE).await().atMost(WAIT))
                .isTrue();
        return id;
    }

    private Standing increment(String id, String member, long points) {
        String xid = source.add(id, member, points);
        return cache.increment(id, member, points, xid).await().atMost(WAIT);
    }

    @Test
    void incrementsCommittedWhileTheRebuildWaitsToTakeItsSnapshotCountOnce() throws Exception {
        incrementsDuringAHeldRebuildCountOnce(ScoreTable.Stage.BEFORE_SNAPSHOT);
    }

    @Test
    void incrementsCommittedAfterTheRebuildTookItsSnapshotAreReplayedIntoTheNewSet() throws Exception {
        incrementsDuringAHeldRebuildCountOnce(ScoreTable.Stage.AFTER_SNAPSHOT);
    }

    private void incrementsDuringAHeldRebuildCountOnce(ScoreTable.Stage stage) throws Exception {
        String id = cachedRanking("held-" + stage.name().toLowerCase());
        ScoreTable.Hold hold = source.holdNextTotals(stage);

        CompletableFuture<Boolean> rebuild =
                cache.refresh(id, RefreshAhead.Trigger.SCHEDULE).subscribeAsCompletionStage();
        hold.awaitReached();
        assertThat(redis.key().exists(cache.refreshAhead().lockKey(id))).isTrue();

        // Ranks move at once, while the rebuild is running.
        assertThat(increment(id, "ann", 7)).isEqualTo(new Standing("ann", 17, 1));
        assertThat(increment(id, "bob", 20)).isEqualTo(new Standing("bob", 25, 1));
        assertThat(increment(id, "cat", 3)).isEqualTo(new Standing("cat", 3, 3));
        assertThat(rebuild).isNotDone();
        hold.release();

        assertThat(rebuild.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        List<Standing> expected = source.computed(id);
        assertThat(expected)
                .containsExactly(new Standing("bob", 25, 1), new Standing("ann", 17, 2), new Standing("cat", 3, 3));
        assertThat(liveSet(redis, cache, id)).isEqualTo(totalsOf(expected));
        assertThat(cache.top(id, 10).await().atMost(WAIT).entries()).isEqualTo(expected);
        assertThat(redis.key().exists(cache.refreshAhead().lockKey(id))).isFalse();
    }

    @Test
    void aRebuildCountsEveryIncrementOnceWhateverItsCommitOrderRelativeToTheSnapshot() {
        String id = cachedRanking("interleave");
        String token = lock.tryAcquire(cache.refreshAhead().lockKey(id), WAIT)
                .await()
                .atMost(WAIT)
                .orElseThrow();
        assertThat(cache.sets().beginRebuild(id, token).await().atMost(WAIT)).isTrue();

        // In progress while the snapshot is taken: inserted (id allocated) but not committed.
        ScoreTable.Open inProgress = source.open(id, "cat", 3);
        // Committed before the snapshot, its Redis increment delayed until after it.
        String beforeXid = source.add(id, "ann", 7);

        Totals totals = source.totals(id).await().atMost(WAIT);
        assertThat(totals.snapshot().sees(beforeXid)).isTrue();
        assertThat(totals.snapshot().sees(inProgress.xid())).isFalse();

        cache.sets().increment(id, "ann", 7, beforeXid).await().atMost(WAIT);
        inProgress.commit();
        cache.sets().increment(id, "cat", 3, inProgress.xid()).await().atMost(WAIT);
        // Committed after the snapshot.
        increment(id, "bob", 20);

        assertThat(cache.sets()
                        .replace(id, token, totals.totals(), totals.snapshot())
                        .await()
                        .atMost(WAIT))
                .isTrue();

        List<Standing> expected = source.computed(id);
        assertThat(expected)
                .containsExactly(new Standing("bob", 25, 1), new Standing("ann", 17, 2), new Standing("cat", 3, 3));
        assertThat(liveSet(redis, cache, id)).isEqualTo(totalsOf(expected));
        assertThat(redis.key().exists(cache.refreshAhead().lockKey(id))).isFalse();
    }

    @Test
    void anIncrementThatArrivesAfterARebuildAlreadyCountedItIsNotAddedAgain() {
        String id = cachedRanking("late");
        // Committed, but its Redis script is delayed past a whole rebuild, which therefore counts it already.
        String xid = source.add(id, "ann", 5);
        assertThat(cache.refresh(id, RefreshAhead.Trigger.SCHEDULE).await().atMost(WAIT))
                .isTrue();
        assertThat(liveSet(redis, cache, id)).containsExactly(new Total("ann", 15), new Total("bob", 5));

        Standing late = cache.increment(id, "ann", 5, xid).await().atMost(WAIT);

        assertThat(late).isEqualTo(new Standing("ann", 15, 1));
        assertThat(liveSet(redis, cache, id)).containsExactly(new Total("ann", 15), new Total("bob", 5));
        // A change the rebuild did not see is still applied.
        assertThat(increment(id, "ann", 1)).isEqualTo(new Standing("ann", 16, 1));
        assertThat(liveSet(redis, cache, id)).containsExactly(new Total("ann", 16), new Total("bob", 5));
    }

    @Test
    void concurrentIncrementsRacingRepeatedRebuildsLeaveExactlyTheSourcesTotals() throws Exception {
        String id = cachedRanking("stress");
        double refreshesBefore = counter(registry, "refresh.ahead.refreshes", name, "trigger", "schedule");
        double fallbacksBefore = counter(registry, "cache.fallbacks", name);

        // Rebuilt over and over while the increments arrive, so they land before, during and after each snapshot.
        AtomicBoolean incrementing = new AtomicBoolean(true);
        CompletableFuture<Void> rebuilds = CompletableFuture.runAsync(() -> {
            while (incrementing.get()) {
                cache.refresh(id, RefreshAhead.Trigger.SCHEDULE)
                        .onFailure()
                        .recoverWithItem(false)
                        .await()
                        .atMost(WAIT);
            }
        });
        Random random = new Random(42);
        // At most 32 in flight: many concurrent writers, without turning the test into a load test of a shared CPU.
        Semaphore inFlight = new Semaphore(32);
        List<CompletableFuture<Standing>> increments = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            String member = "p" + random.nextInt(25);
            long points = random.nextInt(151) - 50;
            inFlight.acquire();
            increments.add(source.insert(id, member, points)
                    .flatMap(xid -> cache.increment(id, member, points, xid))
                    .subscribeAsCompletionStage()
                    .whenComplete((standing, failure) -> inFlight.release()));
        }
        CompletableFuture.allOf(increments.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        incrementing.set(false);
        rebuilds.get(60, TimeUnit.SECONDS);

        assertThat(counter(registry, "refresh.ahead.refreshes", name, "trigger", "schedule"))
                .isGreaterThan(refreshesBefore + 1);
        // An increment whose Redis call failed on this shared machine is in the source and marked the ranking dirty:
        // the next scheduled run rebuilds it (the exact interleavings are tested deterministically above).
        if (counter(registry, "cache.fallbacks", name) > fallbacksBefore) {
            cache.refreshHot().await().atMost(WAIT);
        }
        List<Standing> expected = source.computed(id);
        assertThat(expected).hasSizeGreaterThan(12);
        assertThat(liveSet(redis, cache, id)).isEqualTo(totalsOf(expected));
        assertThat(cache.top(id, 100).await().atMost(WAIT).entries()).isEqualTo(expected);
        for (Standing line : expected) {
            assertThat(cache.member(id, line.member()).await().atMost(WAIT)).hasValue(line);
        }
    }
}
