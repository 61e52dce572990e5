package dev.cachepatterns.cache.refreshahead;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import jakarta.inject.Inject;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.mutiny.sqlclient.Pool;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.cachepatterns.cache.writebehind.StrategyTestProfile;

import static dev.cachepatterns.cache.refreshahead.ScoreTable.WAIT;
import static dev.cachepatterns.cache.refreshahead.ScoreTable.counter;
import static dev.cachepatterns.cache.refreshahead.ScoreTable.liveSet;
import static dev.cachepatterns.cache.refreshahead.ScoreTable.totalsOf;
import static dev.cachepatterns.cache.refreshahead.ScoreTable.unique;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * When refresh-ahead rebuilds, and that hot reads never miss. A read that finds less than {@code ttl × fraction} left
 * starts one rebuild in the background and answers from the current ranking without waiting for it; a read with more
 * left starts nothing. The schedule rebuilds the rankings read within {@code hot-window} whose TTL runs low (and, once
 * the bug named on the disabled test is fixed, those that are gone), and leaves alone those nobody read. A cold ranking
 * read by 100 callers at once is answered from the source and rebuilt once. In real time (TTL 5 s, schedule every
 * second): a ranking read continuously for over two TTLs is always found in Redis and rebuilt several times, then
 * expires once nobody reads it.
 */
@QuarkusTest
@TestProfile(StrategyTestProfile.class)
class RefreshAheadTriggerTest {

    @Inject
    RefreshAheadFactory factory;

    @Inject
    Pool pool;

    @Inject
    RedisDataSource redis;

    @Inject
    MeterRegistry registry;

    ScoreTable source;
    String name;

    @BeforeEach
    void source() {
        source = new ScoreTable(pool);
        name = unique("ra-trigger");
    }

    private String seeded(String hint) {
        String id = unique(hint);
        source.add(id, "ann", 30);
        source.add(id, "ben", 20);
        source.add(id, "cy", 10);
        return id;
    }

    private static final List<String> SEEDED = List.of("ann", "ben", "cy");

    private static List<String> members(Ranking ranking) {
        return ranking.entries().stream().map(Standing::member).toList();
    }

    private String refreshedAt(RankedSetCache cache, String id) {
        return redis.value(String.class).get(cache.refreshAhead().refreshedAtKey(id));
    }

    private void expireIn(RankedSetCache cache, String id, Duration left) {
        redis.key().pexpire(cache.refreshAhead().refreshedAtKey(id), left.toMillis());
        redis.key().pexpire(cache.sets().scoresKey(id), left.toMillis());
    }

    private double refreshes(String trigger) {
        return counter(registry, "refresh.ahead.refreshes", name, "trigger", trigger);
    }

    @Test
    void aReadNearTheTtlStartsARebuildInTheBackgroundAndDoesNotWaitForIt() throws Exception {
        RankedSetCache cache = factory.rankings(name, TestRefreshAheadSettings.quiet(), source);
        String id = seeded("read-trigger");
        assertThat(cache.refresh(id, RefreshAhead.Trigger.SCHEDULE).await().atMost(WAIT))
                .isTrue();
        int readsBefore = source.totalsReads();
        double readRefreshesBefore = refreshes("read");

        // Plenty of TTL left (10 min, threshold 1 min): reads start nothing.
        for (int i = 0; i < 3; i++) {
            assertThat(members(cache.top(id, 10).await().atMost(WAIT))).isEqualTo(SEEDED);
        }
        assertThat(source.totalsReads()).isEqualTo(readsBefore);

        String before = refreshedAt(cache, id);
        ScoreTable.Hold hold = source.holdNextTotals(ScoreTable.Stage.BEFORE_SNAPSHOT);
        expireIn(cache, id, Duration.ofSeconds(30));

        // Under the threshold: the read answers from the current ranking while the rebuild it started is held.
        assertThat(members(cache.top(id, 10).await().atMost(WAIT))).isEqualTo(SEEDED);
        hold.awaitReached();
        assertThat(redis.key().exists(cache.refreshAhead().lockKey(id))).isTrue();
        assertThat(refreshedAt(cache, id)).isEqualTo(before);
        assertThat(cache.member(id, "ben").await().atMost(WAIT)).hasValue(new Standing("ben", 20, 2));

        hold.release();
        Awaitility.await()
                .atMost(WAIT)
                .untilAsserted(
                        () -> assertThat(refreshedAt(cache, id)).isNotNull().isNotEqualTo(before));
        assertThat(redis.key().pttl(cache.refreshAhead().refreshedAtKey(id)))
                .isGreaterThan(Duration.ofMinutes(9).toMillis());
        Awaitility.await().atMost(WAIT).until(() -> refreshes("read") == readRefreshesBefore + 1);
        assertThat(source.totalsReads()).isEqualTo(readsBefore + 1);
    }

    @Test
    void aRankingNobodyScoredOnIsANegativeEntryThatCostsNoLastingState() {
        RankedSetCache cache = factory.rankings(name, TestRefreshAheadSettings.quiet(), source);
        String unknown = unique("nobody");
        String hotIndex = cache.refreshAhead().keys().global("hot");
        String refreshedAtKey = cache.refreshAhead().refreshedAtKey(unknown);

        // The miss answers from the source and rebuilds once: an empty entry that lives empty-ttl, not the 10-min TTL.
        assertThat(cache.top(unknown, 10).await().atMost(WAIT).entries()).isEmpty();
        Awaitility.await().atMost(WAIT).until(() -> redis.key().exists(refreshedAtKey));
        assertThat(redis.key().pttl(refreshedAtKey))
                .isBetween(1L, Duration.ofSeconds(30).toMillis());
        int readsBefore = source.totalsReads();
        double negativeBefore = counter(registry, "cache.gets", name, "result", "negative_hit");

        // Further reads are negative hits: no source read, no refresh, and the name leaves the hot index (the miss
        // marked it, its empty rebuild unmarks it), so the schedule does not keep it alive.
        for (int i = 0; i < 5; i++) {
            assertThat(cache.top(unknown, 10).await().atMost(WAIT).entries()).isEmpty();
            assertThat(cache.member(unknown, "ann").await().atMost(WAIT)).isEmpty();
        }
        assertThat(counter(registry, "cache.gets", name, "result", "negative_hit"))
                .isEqualTo(negativeBefore + 10);
        assertThat(source.totalsReads()).isEqualTo(readsBefore);
        Awaitility.await()
                .atMost(WAIT)
                .until(() ->
                        redis.sortedSet(String.class).zscore(hotIndex, unknown).isEmpty());

        // A first score is served at once; the next read sees a real ranking near its (short) end and refreshes it
        // ahead, which gives it the full TTL.
        String xid = source.add(unknown, "ann", 5);
        assertThat(cache.increment(unknown, "ann", 5, xid).await().atMost(WAIT)).isEqualTo(new Standing("ann", 5, 1));
        assertThat(members(cache.top(unknown, 10).await().atMost(WAIT))).containsExactly("ann");
        Awaitility.await()
                .atMost(WAIT)
                .until(() ->
                        redis.key().pttl(refreshedAtKey) > Duration.ofMinutes(9).toMillis());
        assertThat(members(cache.top(unknown, 10).await().atMost(WAIT))).containsExactly("ann");
    }

    /** TTL 20 min, read threshold 2 min, schedule threshold 2 + 10 min; the schedule's own first run is 10 min away. */
    private RankedSetCache scheduledByTheTest() {
        return factory.rankings(
                name,
                TestRefreshAheadSettings.quiet().withTtl(Duration.ofMinutes(20), 0.1, Duration.ofMinutes(10)),
                source);
    }

    /** Builds the rankings and reads {@code hot} (which marks them hot); the others are never read. */
    private void cachedAndRead(RankedSetCache cache, List<String> hot, List<String> cold) {
        for (String id : hot) {
            assertThat(cache.refresh(id, RefreshAhead.Trigger.SCHEDULE).await().atMost(WAIT))
                    .isTrue();
        }
        for (String id : cold) {
            assertThat(cache.refresh(id, RefreshAhead.Trigger.SCHEDULE).await().atMost(WAIT))
                    .isTrue();
        }
        for (String id : hot) {
            assertThat(members(cache.top(id, 10).await().atMost(WAIT))).isEqualTo(SEEDED);
        }
        String hotIndex = cache.refreshAhead().keys().global("hot");
        Awaitility.await()
                .atMost(WAIT)
                .until(() -> redis.sortedSet(String.class).zcard(hotIndex) == hot.size());
    }

    @Test
    void theScheduleRebuildsTheHotRankingsWhoseTtlRunsLowAndLeavesTheOthers() {
        RankedSetCache cache = scheduledByTheTest();
        String hotLow = seeded("hot-low");
        String hotFresh = seeded("hot-fresh");
        String coldLow = seeded("cold-low");
        cachedAndRead(cache, List.of(hotLow, hotFresh), List.of(coldLow));
        expireIn(cache, hotLow, Duration.ofMinutes(5));
        expireIn(cache, coldLow, Duration.ofMinutes(5));
        String hotFreshBefore = refreshedAt(cache, hotFresh);
        String coldLowBefore = refreshedAt(cache, coldLow);
        double scheduledBefore = refreshes("schedule");

        assertThat(cache.refreshHot().await().atMost(WAIT)).isEqualTo(1);

        assertThat(refreshes("schedule")).isEqualTo(scheduledBefore + 1);
        assertThat(redis.key().pttl(cache.refreshAhead().refreshedAtKey(hotLow)))
                .isGreaterThan(Duration.ofMinutes(19).toMillis());
        assertThat(members(cache.top(hotLow, 10).await().atMost(WAIT))).isEqualTo(SEEDED);
        assertThat(refreshedAt(cache, hotFresh)).isEqualTo(hotFreshBefore);
        // Nobody reads it: left to expire.
        assertThat(refreshedAt(cache, coldLow)).isEqualTo(coldLowBefore);
        assertThat(redis.key().pttl(cache.refreshAhead().refreshedAtKey(coldLow)))
                .isLessThanOrEqualTo(Duration.ofMinutes(5).toMillis());
    }

    @Test
    void theScheduleRebuildsAHotRankingThatIsGoneFromRedis() {
        RankedSetCache cache = scheduledByTheTest();
        String hotGone = seeded("hot-gone");
        cachedAndRead(cache, List.of(hotGone), List.of());
        // Evicted, expired or lost with a Redis restart while it is still being read.
        redis.key()
                .del(cache.refreshAhead().refreshedAtKey(hotGone), cache.sets().scoresKey(hotGone));
        double scheduledBefore = refreshes("schedule");

        assertThat(cache.refreshHot().await().atMost(WAIT)).isEqualTo(1);

        assertThat(refreshes("schedule")).isEqualTo(scheduledBefore + 1);
        assertThat(redis.key().pttl(cache.refreshAhead().refreshedAtKey(hotGone)))
                .isGreaterThan(Duration.ofMinutes(19).toMillis());
        assertThat(liveSet(redis, cache, hotGone)).isEqualTo(totalsOf(source.computed(hotGone)));
    }

    @Test
    void aColdRankingReadByAHundredCallersAtOnceIsAnsweredFromTheSourceAndRebuiltOnce() throws Exception {
        RankedSetCache cache = factory.rankings(name, TestRefreshAheadSettings.quiet(), source);
        String id = seeded("cold");
        assertThat(redis.key().exists(cache.refreshAhead().refreshedAtKey(id))).isFalse();
        double readRefreshesBefore = refreshes("read");
        double missesBefore = counter(registry, "cache.gets", name, "result", "miss");
        // The rebuild the first miss starts is held until every reader has its answer, so none of them can find the
        // ranking cached and each one's miss meets the rebuild still running.
        ScoreTable.Hold hold = source.holdNextTotals(ScoreTable.Stage.BEFORE_SNAPSHOT);

        List<CompletableFuture<Ranking>> reads = IntStream.range(0, 100)
                .mapToObj(i -> cache.top(id, 10).subscribeAsCompletionStage())
                .toList();
        CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).get(WAIT.toSeconds(), TimeUnit.SECONDS);

        assertThat(reads).allSatisfy(read -> assertThat(members(read.join())).isEqualTo(SEEDED));
        assertThat(counter(registry, "cache.gets", name, "result", "miss")).isEqualTo(missesBefore + 100);
        hold.awaitReached();
        hold.release();
        Awaitility.await()
                .atMost(WAIT)
                .until(() -> redis.key().exists(cache.refreshAhead().refreshedAtKey(id))
                        && !redis.key().exists(cache.refreshAhead().lockKey(id)));
        assertThat(refreshes("read")).isEqualTo(readRefreshesBefore + 1);
        assertThat(source.totalsReads()).isEqualTo(1);
        assertThat(members(cache.top(id, 10).await().atMost(WAIT))).isEqualTo(SEEDED);
    }

    @Test
    void aHotRankingIsRebuiltBeforeItExpiresSoReadsNeverMissThenItExpiresOnceNobodyReadsIt() {
        RankedSetCache cache = factory.rankings(name, TestRefreshAheadSettings.fast(), source);
        String id = seeded("hot");
        assertThat(cache.refresh(id, RefreshAhead.Trigger.SCHEDULE).await().atMost(WAIT))
                .isTrue();
        double missesBefore = counter(registry, "cache.gets", name, "result", "miss");
        double hitsBefore = counter(registry, "cache.gets", name, "result", "hit");
        double fallbacksBefore = counter(registry, "cache.fallbacks", name);
        Set<Instant> refreshedAts = new HashSet<>();

        // Read for over two TTLs: without refresh-ahead the ranking would expire twice.
        long until = System.nanoTime() + Duration.ofSeconds(11).toNanos();
        int reads = 0;
        while (System.nanoTime() < until) {
            Ranking ranking = cache.top(id, 10).await().atMost(WAIT);
            assertThat(members(ranking)).isEqualTo(SEEDED);
            refreshedAts.add(ranking.refreshedAt());
            reads++;
            Awaitility.await().pollDelay(Duration.ofMillis(100)).until(() -> true);
        }

        // Every read found the ranking: a hit, or (only if a Redis call timed out on this shared machine) a fallback
        // to the source; never a miss.
        assertThat(counter(registry, "cache.gets", name, "result", "miss")).isEqualTo(missesBefore);
        assertThat(counter(registry, "cache.gets", name, "result", "hit")
                        - hitsBefore
                        + counter(registry, "cache.fallbacks", name)
                        - fallbacksBefore)
                .isEqualTo(reads);
        assertThat(refreshedAts).hasSizeGreaterThanOrEqualTo(3);

        // Nobody reads it any more: after the hot window it is no longer rebuilt and expires with its TTL.
        Awaitility.await()
                .atMost(WAIT)
                .until(() -> !redis.key().exists(cache.refreshAhead().refreshedAtKey(id)));
        assertThat(redis.key().exists(cache.sets().scoresKey(id))).isFalse();
        Awaitility.await().pollDelay(Duration.ofSeconds(2)).until(() -> true);
        assertThat(redis.key().exists(cache.refreshAhead().refreshedAtKey(id))).isFalse();
    }
}
