package dev.cachepatterns.cache.refreshahead;

import java.time.Duration;
import java.util.List;

import jakarta.inject.Inject;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.mutiny.sqlclient.Pool;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.cachepatterns.cache.redis.CircuitBreaker;
import dev.cachepatterns.cache.redis.RedisGuard;
import dev.cachepatterns.cache.writebehind.StrategyTestProfile;
import dev.cachepatterns.support.OwnRedisWithArgsResource;
import dev.cachepatterns.support.RedisServer;

import static dev.cachepatterns.cache.refreshahead.ScoreTable.WAIT;
import static dev.cachepatterns.cache.refreshahead.ScoreTable.counter;
import static dev.cachepatterns.cache.refreshahead.ScoreTable.liveSet;
import static dev.cachepatterns.cache.refreshahead.ScoreTable.loads;
import static dev.cachepatterns.cache.refreshahead.ScoreTable.totalsOf;
import static dev.cachepatterns.cache.refreshahead.ScoreTable.unique;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Redis outage never fails a read or loses an increment. While Redis is down, reads are served by the source (counted
 * in {@code cache_fallbacks_total} and {@code cache_loads_total}) and include increments committed meanwhile, whose
 * standing comes from the source too. When Redis comes back still holding the ranking from before (AOF), that ranking
 * lacks the increments it missed, until the next scheduled run, which rebuilds it because those writes marked it dirty;
 * after that the cached ranking is exact again. A Redis restarted empty is rebuilt by the next read. Runs against a
 * Redis of its own that it kills.
 */
@QuarkusTest
@TestProfile(StrategyTestProfile.OwnRedis.class)
class RefreshAheadRedisOutageTest {

    @Inject
    RefreshAheadFactory factory;

    @Inject
    Pool pool;

    @Inject
    RedisDataSource redis;

    @Inject
    RedisGuard guard;

    @Inject
    MeterRegistry registry;

    @Test
    void whileRedisIsDownReadsComeFromTheSourceAndIncrementsMadeMeanwhileAreInTheNextRebuild() {
        ScoreTable source = new ScoreTable(pool);
        String name = unique("ra-outage");
        // TTL 20 min, schedule threshold 2 + 10 min: a ranking rebuilt in this test is due on schedule only if dirty.
        RankedSetCache cache = factory.rankings(
                name,
                TestRefreshAheadSettings.quiet().withTtl(Duration.ofMinutes(20), 0.1, Duration.ofMinutes(10)),
                source);
        String id = unique("outage");
        source.add(id, "ann", 30);
        source.add(id, "ben", 20);
        awaitRedisHealthy();
        assertThat(cache.refresh(id, RefreshAhead.Trigger.SCHEDULE).await().atMost(WAIT))
                .isTrue();
        List<Standing> beforeOutage = source.computed(id);
        assertThat(cache.top(id, 10).await().atMost(WAIT).entries()).isEqualTo(beforeOutage);

        server().stop();
        List<Standing> duringOutage;
        try {
            double fallbacksBefore = counter(registry, "cache.fallbacks", name);
            double loadsBefore = loads(registry, name);
            assertThat(cache.top(id, 10).await().atMost(WAIT).entries()).isEqualTo(beforeOutage);
            assertThat(counter(registry, "cache.fallbacks", name)).isEqualTo(fallbacksBefore + 1);
            assertThat(loads(registry, name)).isEqualTo(loadsBefore + 1);

            String xid = source.add(id, "cy", 50);
            assertThat(cache.increment(id, "cy", 50, xid).await().atMost(WAIT)).isEqualTo(new Standing("cy", 50, 1));
            duringOutage = source.computed(id);
            assertThat(cache.top(id, 10).await().atMost(WAIT).entries()).isEqualTo(duringOutage);
            assertThat(cache.member(id, "ann").await().atMost(WAIT)).hasValue(new Standing("ann", 30, 2));
        } finally {
            server().start();
        }
        awaitRedisHealthy();

        // Back with the ranking it held (AOF), which missed cy's increment: served as it is until the next rebuild.
        assertThat(liveSet(redis, cache, id)).isEqualTo(totalsOf(beforeOutage));
        double scheduledBefore = counter(registry, "refresh.ahead.refreshes", name, "trigger", "schedule");

        assertThat(cache.refreshHot().await().atMost(WAIT)).isEqualTo(1);

        assertThat(counter(registry, "refresh.ahead.refreshes", name, "trigger", "schedule"))
                .isEqualTo(scheduledBefore + 1);
        assertThat(liveSet(redis, cache, id)).isEqualTo(totalsOf(duringOutage));
        double hitsBefore = counter(registry, "cache.gets", name, "result", "hit");
        assertThat(cache.top(id, 10).await().atMost(WAIT).entries()).isEqualTo(duringOutage);
        assertThat(counter(registry, "cache.gets", name, "result", "hit")).isEqualTo(hitsBefore + 1);
        // Exact again: nothing dirty is left, so the next run has nothing to do.
        assertThat(cache.refreshHot().await().atMost(WAIT)).isZero();
    }

    @Test
    void aRankingLostWithARedisThatRestartedEmptyIsRebuiltByTheNextRead() {
        ScoreTable source = new ScoreTable(pool);
        String name = unique("ra-wiped");
        RankedSetCache cache = factory.rankings(name, TestRefreshAheadSettings.quiet(), source);
        String id = unique("wiped");
        source.add(id, "ann", 30);
        awaitRedisHealthy();
        assertThat(cache.refresh(id, RefreshAhead.Trigger.SCHEDULE).await().atMost(WAIT))
                .isTrue();

        server().stopAndWipe();
        try {
            String xid = source.add(id, "ben", 40);
            assertThat(cache.increment(id, "ben", 40, xid).await().atMost(WAIT)).isEqualTo(new Standing("ben", 40, 1));
        } finally {
            server().start();
        }
        awaitRedisHealthy();
        assertThat(redis.key().exists(cache.refreshAhead().refreshedAtKey(id))).isFalse();

        // The read misses, is answered by the source and rebuilds the ranking in the background.
        List<Standing> expected = source.computed(id);
        assertThat(cache.top(id, 10).await().atMost(WAIT).entries()).isEqualTo(expected);
        Awaitility.await()
                .atMost(WAIT)
                .until(() -> redis.key().exists(cache.refreshAhead().refreshedAtKey(id)));
        assertThat(liveSet(redis, cache, id)).isEqualTo(totalsOf(expected));
    }

    private static RedisServer server() {
        return OwnRedisWithArgsResource.server();
    }

    private void awaitRedisHealthy() {
        Awaitility.await()
                .atMost(WAIT)
                .until(() -> server().answersPing() && guard.circuitState() == CircuitBreaker.State.CLOSED);
    }
}
