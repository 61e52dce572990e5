package dev.cachepatterns.cache.refreshahead;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import jakarta.inject.Inject;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.value.SetArgs;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.mutiny.sqlclient.Pool;
import org.awaitility.Awaitility;
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
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * One rebuild of a ranking at a time, across instances, and a rebuild that lost its turn changes nothing. While another
 * instance holds a ranking's rebuild lock, a refresh skips; of two instances racing for one ranking, one rebuilds (its
 * concurrent callers share that rebuild) and the other skips. A rebuild whose lease ran out, or whose commands Redis runs
 * late (after a client time-out), can neither swap its stale set in, nor empty or overwrite the set or the delta log of
 * the rebuild that holds the lock now; and a swap refuses a set built aside that lacks members. The steps of each
 * rebuild ({@code beginRebuild}, {@code build}, {@code swap}) are played in the orders that once broke the ranking.
 */
@QuarkusTest
@TestProfile(StrategyTestProfile.class)
class RankedSetRebuildLockTest {

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
    TestRefreshAheadSettings settings;
    String name;
    RankedSetCache cache;

    @BeforeEach
    void cache() {
        source = new ScoreTable(pool);
        settings = TestRefreshAheadSettings.quiet();
        name = unique("ra-lock");
        cache = factory.rankings(name, settings, source);
    }

    private String cachedRanking(String hint) {
        String id = unique(hint);
        source.add(id, "ann", 30);
        source.add(id, "ben", 20);
        source.add(id, "cy", 10);
        assertThat(cache.refresh(id, RefreshAhead.Trigger.SCHEDULE).await().atMost(WAIT))
                .isTrue();
        return id;
    }

    private String lockKey(String id) {
        return cache.refreshAhead().lockKey(id);
    }

    private String refreshedAt(String id) {
        return redis.value(String.class).get(cache.refreshAhead().refreshedAtKey(id));
    }

    private String acquire(String id) {
        return lock.tryAcquire(lockKey(id), Duration.ofSeconds(30))
                .await()
                .atMost(WAIT)
                .orElseThrow();
    }

    private Totals totals(String id) {
        return source.totals(id).await().atMost(WAIT);
    }

    /** The ranking as readers get it (it must be cached) equals what the source computes, and expires with its stamp. */
    private void rankingMatchesSource(String id) {
        assertThat(redis.key().exists(cache.refreshAhead().refreshedAtKey(id))).isTrue();
        assertThat(redis.execute("PEXPIRETIME", cache.sets().scoresKey(id)).toLong())
                .isEqualTo(redis.execute("PEXPIRETIME", cache.refreshAhead().refreshedAtKey(id))
                        .toLong());
        List<Standing> expected = source.computed(id);
        assertThat(liveSet(redis, cache, id)).isEqualTo(totalsOf(expected));
        assertThat(cache.top(id, 100).await().atMost(WAIT).entries()).isEqualTo(expected);
        for (Standing line : expected) {
            assertThat(cache.member(id, line.member()).await().atMost(WAIT)).hasValue(line);
        }
    }

    @Test
    void noRebuildStartsWhileAnotherInstanceHoldsTheRankingsLock() {
        String id = cachedRanking("locked");
        String before = refreshedAt(id);
        double busyBefore = counter(registry, "refresh.ahead.lock.busy", name);
        redis.value(String.class).set(lockKey(id), "other-instance", new SetArgs().px(Duration.ofSeconds(30)));
        int readsBefore = source.totalsReads();

        List<Boolean> outcomes = IntStream.range(0, 10)
                .mapToObj(i ->
                        cache.refresh(id, RefreshAhead.Trigger.SCHEDULE).await().atMost(WAIT))
                .toList();

        assertThat(outcomes).containsOnly(false);
        assertThat(source.totalsReads()).isEqualTo(readsBefore);
        assertThat(counter(registry, "refresh.ahead.lock.busy", name)).isEqualTo(busyBefore + 10);
        assertThat(refreshedAt(id)).isEqualTo(before);
        assertThat(redis.value(String.class).get(lockKey(id))).isEqualTo("other-instance");

        redis.key().del(lockKey(id));
        assertThat(cache.refresh(id, RefreshAhead.Trigger.SCHEDULE).await().atMost(WAIT))
                .isTrue();
        assertThat(refreshedAt(id)).isNotEqualTo(before);
        assertThat(redis.key().exists(lockKey(id))).isFalse();
    }

    @Test
    void twoInstancesRacingForOneRankingRebuildItOnce() throws Exception {
        String id = unique("race");
        source.add(id, "ann", 30);
        source.add(id, "ben", 20);
        source.add(id, "cy", 10);
        // A second, independent instance over the same Redis keys: another service instance in miniature.
        RankedSetCache other = factory.rankings(unique("ra-lock-other"), settings, source);
        ScoreTable.Hold hold = source.holdNextTotals(ScoreTable.Stage.BEFORE_SNAPSHOT);
        List<CompletableFuture<Boolean>> outcomes = new ArrayList<>();

        // All start while the winner's rebuild is held, so it is still running when the loser tries.
        for (int i = 0; i < 5; i++) {
            outcomes.add(cache.refresh(id, RefreshAhead.Trigger.SCHEDULE).subscribeAsCompletionStage());
            outcomes.add(other.refresh(id, RefreshAhead.Trigger.SCHEDULE).subscribeAsCompletionStage());
        }
        hold.awaitReached();
        Awaitility.await()
                .atMost(WAIT)
                .until(() -> outcomes.stream().filter(CompletableFuture::isDone).count() == 5);
        assertThat(outcomes.stream().filter(CompletableFuture::isDone)).allMatch(done -> !done.join());
        hold.release();

        CompletableFuture.allOf(outcomes.toArray(CompletableFuture[]::new)).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        // One instance's five callers shared its one rebuild; the other instance's five found the lock taken.
        assertThat(outcomes.stream().filter(CompletableFuture::join).count()).isEqualTo(5);
        assertThat(source.totalsReads()).isEqualTo(1);
        rankingMatchesSource(id);
        assertThat(other.top(id, 10).await().atMost(WAIT).entries()).isEqualTo(source.computed(id));
    }

    @Test
    void aRebuildThatLostItsLockIsDiscarded() {
        String id = cachedRanking("lost-lock");
        String token = acquire(id);
        Totals totals = totals(id);
        // Its lease ran out and another instance took the lock.
        redis.value(String.class).set(lockKey(id), "someone-else");

        assertThat(cache.sets()
                        .replace(id, token, List.of(new Total("ann", 999)), totals.snapshot())
                        .await()
                        .atMost(WAIT))
                .isFalse();

        assertThat(liveSet(redis, cache, id))
                .containsExactly(new Total("ann", 30), new Total("ben", 20), new Total("cy", 10));
        assertThat(redis.value(String.class).get(lockKey(id))).isEqualTo("someone-else");
        assertThat(redis.key().exists(cache.sets().nextKey(id, token))).isFalse();
        redis.key().del(lockKey(id));
    }

    @Test
    void aRebuildWhoseLeaseRanOutCannotEmptyOrOverwriteTheBuildOfTheRebuildThatTookOver() {
        String id = cachedRanking("lease-out");

        String first = acquire(id);
        assertThat(cache.sets().beginRebuild(id, first).await().atMost(WAIT)).isTrue();
        Totals firstTotals = totals(id);
        cache.sets().build(id, first, firstTotals.totals()).await().atMost(WAIT);

        // The first rebuild's lease runs out; a second one takes the lock and builds.
        redis.key().del(lockKey(id));
        source.add(id, "dan", 25);
        String second = acquire(id);
        assertThat(cache.sets().beginRebuild(id, second).await().atMost(WAIT)).isTrue();
        Totals secondTotals = totals(id);
        cache.sets().build(id, second, secondTotals.totals()).await().atMost(WAIT);

        // The first rebuild's swap arrives now and is refused; then a chunk of it that Redis ran late: stale data.
        assertThat(cache.sets()
                        .swap(id, first, firstTotals.totals().size(), firstTotals.snapshot())
                        .await()
                        .atMost(WAIT))
                .isFalse();
        cache.sets().build(id, first, List.of(new Total("ann", 1))).await().atMost(WAIT);

        assertThat(cache.sets()
                        .swap(id, second, secondTotals.totals().size(), secondTotals.snapshot())
                        .await()
                        .atMost(WAIT))
                .isTrue();
        rankingMatchesSource(id);
        assertThat(source.computed(id)).hasSize(4);
    }

    @Test
    void aLateBeginRebuildOfAnAbandonedRebuildCannotWipeTheNextRebuildsDeltaLog() {
        String id = cachedRanking("late-begin");

        // The first rebuild's beginRebuild timed out on the client (Redis has not run it yet): the rebuild failed and
        // released its lock.
        String first = acquire(id);
        assertThat(lock.release(lockKey(id), first).await().atMost(WAIT)).isTrue();

        String second = acquire(id);
        assertThat(cache.sets().beginRebuild(id, second).await().atMost(WAIT)).isTrue();
        Totals secondTotals = totals(id);
        cache.sets().build(id, second, secondTotals.totals()).await().atMost(WAIT);
        // An increment committed after the second rebuild's snapshot: only its delta log carries it into the new set.
        String xid = source.add(id, "dan", 5);
        cache.increment(id, "dan", 5, xid).await().atMost(WAIT);

        // Redis runs the first rebuild's beginRebuild now (its result no longer reaches anybody).
        assertThat(cache.sets().beginRebuild(id, first).await().atMost(WAIT)).isFalse();

        assertThat(cache.sets()
                        .swap(id, second, secondTotals.totals().size(), secondTotals.snapshot())
                        .await()
                        .atMost(WAIT))
                .isTrue();
        rankingMatchesSource(id);
        assertThat(source.computed(id)).hasSize(4);
    }

    @Test
    void aSwapRefusesASetBuiltAsideThatIsIncompleteAndTheCurrentRankingStays() {
        String id = cachedRanking("incomplete");
        String before = refreshedAt(id);
        String token = acquire(id);
        assertThat(cache.sets().beginRebuild(id, token).await().atMost(WAIT)).isTrue();
        Totals totals = totals(id);
        cache.sets().build(id, token, totals.totals()).await().atMost(WAIT);
        // A chunk lost on the way (or the set expired or was deleted): the set built aside lacks a member.
        redis.sortedSet(String.class).zrem(cache.sets().nextKey(id, token), "cy");

        assertThatThrownBy(() -> cache.sets()
                        .swap(id, token, totals.totals().size(), totals.snapshot())
                        .await()
                        .atMost(WAIT))
                .isInstanceOf(RankedSets.IncompleteBuildException.class)
                .hasMessageContaining("incomplete");

        assertThat(refreshedAt(id)).isEqualTo(before);
        assertThat(redis.key().exists(cache.sets().nextKey(id, token))).isFalse();
        rankingMatchesSource(id);
        lock.release(lockKey(id), token).await().atMost(WAIT);
    }
}
