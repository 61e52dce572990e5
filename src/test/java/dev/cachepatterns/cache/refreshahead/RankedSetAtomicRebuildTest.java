package dev.cachepatterns.cache.refreshahead;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.inject.Inject;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.cachepatterns.cache.core.DistributedLock;
import dev.cachepatterns.cache.writebehind.StrategyTestProfile;

import static dev.cachepatterns.cache.refreshahead.ScoreTable.WAIT;
import static dev.cachepatterns.cache.refreshahead.ScoreTable.counter;
import static dev.cachepatterns.cache.refreshahead.ScoreTable.loads;
import static dev.cachepatterns.cache.refreshahead.ScoreTable.unique;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A rebuild is atomic for readers: the new ranking is built aside under its own key and swapped in by one script, so a
 * read during a rebuild sees the whole previous ranking, and after it the whole new one; never a partial, empty or
 * missing ranking. Shown step by step (a read between building aside and the swap), and by readers racing repeated
 * rebuilds of a ranking of 2 500 members, which takes several ZADD chunks to build.
 */
@QuarkusTest
@TestProfile(StrategyTestProfile.class)
class RankedSetAtomicRebuildTest {

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
        name = unique("ra-atomic");
        cache = factory.rankings(name, TestRefreshAheadSettings.quiet(), source);
    }

    @Test
    void aReadBetweenBuildingAsideAndTheSwapSeesThePreviousRankingWholeAndAfterTheSwapTheNewOne() {
        String id = unique("steps");
        source.add(id, "ann", 30);
        source.add(id, "ben", 20);
        source.add(id, "cy", 10);
        assertThat(cache.refresh(id, RefreshAhead.Trigger.SCHEDULE).await().atMost(WAIT))
                .isTrue();
        List<Standing> before =
                List.of(new Standing("ann", 30, 1), new Standing("ben", 20, 2), new Standing("cy", 10, 3));
        assertThat(top(id)).isEqualTo(before);
        source.add(id, "dan", 40);
        source.add(id, "ann", 15);
        double loadsBefore = loads(registry, name);

        String token = lock.tryAcquire(cache.refreshAhead().lockKey(id), WAIT)
                .await()
                .atMost(WAIT)
                .orElseThrow();
        assertThat(cache.sets().beginRebuild(id, token).await().atMost(WAIT)).isTrue();
        Totals totals = source.totals(id).await().atMost(WAIT);
        cache.sets().build(id, token, totals.totals()).await().atMost(WAIT);
        assertThat(redis.sortedSet(String.class).zcard(cache.sets().nextKey(id, token)))
                .isEqualTo(4);

        // Built aside, not swapped in: readers get the previous ranking, whole, from Redis.
        assertThat(top(id)).isEqualTo(before);
        assertThat(cache.member(id, "dan").await().atMost(WAIT)).isEmpty();
        assertThat(cache.member(id, "cy").await().atMost(WAIT)).hasValue(new Standing("cy", 10, 3));

        assertThat(cache.sets()
                        .swap(id, token, totals.totals().size(), totals.snapshot())
                        .await()
                        .atMost(WAIT))
                .isTrue();

        assertThat(top(id))
                .containsExactly(
                        new Standing("ann", 45, 1),
                        new Standing("dan", 40, 2),
                        new Standing("ben", 20, 3),
                        new Standing("cy", 10, 4));
        assertThat(loads(registry, name)).isEqualTo(loadsBefore);
        assertThat(redis.key().exists(cache.refreshAhead().lockKey(id))).isFalse();
        assertThat(redis.key().exists(cache.sets().nextKey(id, token))).isFalse();
        // The set expires at the very millisecond its refreshed-at does: no read can find one without the other.
        assertThat(redis.execute("PEXPIRETIME", cache.sets().scoresKey(id)).toLong())
                .isEqualTo(redis.execute("PEXPIRETIME", cache.refreshAhead().refreshedAtKey(id))
                        .toLong());
    }

    @Test
    void readersRacingRepeatedRebuildsOfALargeRankingAlwaysSeeItWhole() throws Exception {
        String id = unique("large");
        int members = 2500;
        pool.preparedQuery("INSERT INTO cache_test_score_events (ranking, member, points)"
                        + " SELECT $1, 'm' || lpad(i::text, 4, '0'), i FROM generate_series(1, $2) AS i")
                .execute(Tuple.of(id, members))
                .await()
                .atMost(WAIT);
        assertThat(cache.refresh(id, RefreshAhead.Trigger.SCHEDULE).await().atMost(WAIT))
                .isTrue();
        List<Standing> expected = source.computed(id);
        assertThat(expected).hasSize(members);
        double missesBefore = counter(registry, "cache.gets", name, "result", "miss");
        double rebuildsBefore = counter(registry, "refresh.ahead.refreshes", name, "trigger", "schedule");

        AtomicBoolean rebuilding = new AtomicBoolean(true);
        CompletableFuture<Integer> rebuilds = CompletableFuture.supplyAsync(() -> {
            int swapped = 0;
            try {
                for (int i = 0; i < 10; i++) {
                    if (cache.refresh(id, RefreshAhead.Trigger.SCHEDULE).await().atMost(WAIT)) {
                        swapped++;
                    }
                }
            } finally {
                rebuilding.set(false);
            }
            return swapped;
        });
        Random random = new Random(5);
        List<Integer> sizes = new ArrayList<>();
        while (rebuilding.get() || sizes.size() < 5) {
            List<Standing> read = cache.top(id, 3000).await().atMost(WAIT).entries();
            assertThat(read).isEqualTo(expected);
            sizes.add(read.size());
            Standing one = expected.get(random.nextInt(members));
            assertThat(cache.member(id, one.member()).await().atMost(WAIT)).isEqualTo(Optional.of(one));
        }

        assertThat(rebuilds.get()).isEqualTo(10);
        assertThat(counter(registry, "refresh.ahead.refreshes", name, "trigger", "schedule"))
                .isEqualTo(rebuildsBefore + 10);
        assertThat(counter(registry, "cache.gets", name, "result", "miss")).isEqualTo(missesBefore);
        assertThat(sizes).isNotEmpty().containsOnly(members);
    }

    private List<Standing> top(String id) {
        return cache.top(id, 10).await().atMost(WAIT).entries();
    }
}
