package dev.cachepatterns.faults;

import java.net.URI;
import java.time.Duration;

import jakarta.inject.Inject;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.mutiny.sqlclient.Pool;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import dev.cachepatterns.support.LoadDriver;
import dev.cachepatterns.support.Outcome;
import dev.cachepatterns.support.Outcomes;
import dev.cachepatterns.support.StallMeter;
import dev.cachepatterns.support.examples.Examples;
import dev.cachepatterns.support.examples.Role;

import static dev.cachepatterns.faults.Fixtures.LOG;
import static dev.cachepatterns.faults.Fixtures.MAX_LATENCY_MILLIS;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Postgres is stopped (fast shutdown) with every fixture cached, load runs, and Postgres starts again 3 s later, with
 * no application restart.
 *
 * <p>Pass criteria, over the examples present ({@link Examples}): reads of cached data answer 200; reads that need the
 * database and writes committed to it answer 503 problem+json with Retry-After, each within {@link #FAST_503_MILLIS};
 * reads the source answers when the cache cannot (boards past their short test TTL) answer 200 or that 503; queued
 * writes (views) are accepted throughout; nothing answers 500. After the restart the pool reconnects by itself (a miss
 * is answered by the database again), and every example's consistency check holds (Postgres has exactly the accepted
 * views).
 */
@QuarkusTest
@TestProfile(FaultsProfile.class)
class PostgresRestartTest {

    /** A dead Postgres refuses connections at once: the 503 must not wait for anything. */
    static final long FAST_503_MILLIS = 1000;

    private static final Duration DOWN_FOR = Duration.ofSeconds(3);

    @TestHTTPResource("/")
    URI base;

    @Inject
    Pool pool;

    @AfterEach
    void heal() {
        if (!FaultServers.postgres().isRunning()) {
            FaultServers.postgres().start();
        }
    }

    @Test
    void cachedReadsKeepAnsweringAndEverythingElseFailsFastUntilPostgresReturns() {
        Assumptions.assumeFalse(Examples.none(), "no example to put under load");
        Examples.Scenarios fixtures = Fixtures.createAndWarm("pgdown");
        LoadDriver driver = Fixtures.driver(base);
        // Postgres stops while everything is cached. (Under a steady stream of views, each flush drops the cached post;
        // a post caught in that gap when Postgres stops is not cached, and its views answer 503:
        // docs/failure-modes.md.)
        StallMeter stalls = StallMeter.start();
        long stopped = System.nanoTime();
        FaultServers.postgres().stop();
        LoadDriver.Running load = driver.start(
                24, n -> n % 8 == 7 ? fixtures.uncachedRead(driver, n / 8) : fixtures.call(driver, n - n / 8));
        Fixtures.hold(DOWN_FOR);
        long restarted = System.nanoTime();
        FaultServers.postgres().start();
        // Back when a read that needs the database is answered by it again.
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> load.soFar().startedAfter(System.nanoTime() - 300_000_000L).all().stream()
                        .anyMatch(o -> fixtures.role(o.label()) == Role.UNCACHED_READ && o.status() < 500));
        long recoveredAt = System.nanoTime();
        long recoveredMillis = (recoveredAt - restarted) / 1_000_000;
        Fixtures.hold(Duration.ofMillis(500));
        Outcomes outcomes = load.stop();

        // Requests that ended before Postgres was back.
        Outcomes down = outcomes.with(o -> o.startNanos() > stopped && o.endNanos() < restarted);
        LOG.infof(
                "FAULT postgres-restart: pool serving again %d ms after the start; while down: %s, 503 p99 %d ms max"
                        + " %d ms; all: %s",
                recoveredMillis,
                down.summary(),
                down.with(o -> o.status() == 503).percentileMillis(99),
                down.with(o -> o.status() == 503).maxLatencyMillis(),
                outcomes.summary());

        assertThat(outcomes.matching(o -> o.status() == 500 || o.status() < 0)).isEmpty();
        assertThat(outcomes.matching(o -> o.status() == 503 && !o.isDocumented503()))
                .isEmpty();
        assertThat(outcomes.matching(o -> o.latencyMillis() > MAX_LATENCY_MILLIS))
                .isEmpty();
        Outcomes cached = down.with(o -> fixtures.role(o.label()) == Role.CACHED_READ);
        assertThat(cached.size()).isPositive();
        assertThat(cached.matching(o -> o.status() != 200))
                .as("reads of cached data while Postgres is down")
                .isEmpty();
        assertThat(down.with(o -> fixtures.role(o.label()) == Role.SOURCE_READ)
                        .matching(o -> o.status() != 200 && o.status() != 503))
                .isEmpty();
        Outcomes needDatabase = down.with(
                o -> fixtures.role(o.label()) == Role.UNCACHED_READ || fixtures.role(o.label()) == Role.DATABASE_WRITE);
        assertThat(needDatabase.size()).isPositive();
        assertThat(needDatabase.matching(o -> !o.isDocumented503()))
                .as("requests that need Postgres while it is down")
                .isEmpty();
        // Judged on the time the process could run: a 503 that waited for a CPU on a loaded machine is not slow.
        assertThat(needDatabase.matching(o -> stalls.runnableMillis(o) > FAST_503_MILLIS))
                .as("503s slower than %d ms (this JVM's stalls while they ran deducted)", FAST_503_MILLIS)
                .isEmpty();
        Outcomes queued = down.with(o -> fixtures.role(o.label()) == Role.QUEUED_WRITE);
        assertThat(queued.matching(o -> o.status() != fixtures.success(o.label())))
                .as("queued writes while Postgres is down")
                .isEmpty();
        // Everything is back without a restart.
        Outcomes after = outcomes.startedAfter(recoveredAt + 100_000_000L);
        assertThat(after.size()).isPositive();
        assertThat(after.matching(Outcome::isServerError)).isEmpty();
        Fixtures.assertConsistent(fixtures, outcomes, pool);
        stalls.close();
    }
}
