package dev.cachepatterns.faults;

import java.net.URI;
import java.time.Duration;

import jakarta.inject.Inject;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.mutiny.sqlclient.Pool;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import dev.cachepatterns.support.LoadDriver;
import dev.cachepatterns.support.Metrics;
import dev.cachepatterns.support.Outcomes;
import dev.cachepatterns.support.StallMeter;
import dev.cachepatterns.support.examples.Examples;
import dev.cachepatterns.support.examples.Role;

import static dev.cachepatterns.faults.Fixtures.LOG;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Postgres hangs: every process of the test's own Postgres gets SIGSTOP for 30 s while load runs on every example, then
 * SIGCONT. A hung Postgres still completes TCP handshakes in the kernel and then answers nothing, so only deadlines
 * bound the wait (cache.source.deadline).
 *
 * <p>Pass criteria: reads of cached data answer 200; every other request is answered, a success or a documented 503,
 * within the deadline plus 0.5 s; none goes unanswered; within 2 s of SIGCONT requests that need the database succeed
 * again, with no restart; the pool's gauges (waiting, active, abandoned) are back to idle once the load stops; Postgres holds exactly the accepted
 * views (no acknowledged write-behind increment lost, none doubled).
 */
@QuarkusTest
@TestProfile(FaultsProfile.class)
class PostgresHungTest {

    private static final Duration HUNG_FOR = Duration.ofSeconds(30);
    private static final long SLACK_MILLIS = 500;
    private static final long RECOVERY_MILLIS = 2000;

    @TestHTTPResource("/")
    URI base;

    @Inject
    Pool pool;

    @Inject
    MeterRegistry registry;

    @ConfigProperty(name = "cache.source.deadline")
    Duration deadline;

    @AfterEach
    void thaw() {
        if (FaultServers.postgres().isRunning()) {
            FaultServers.postgres().thaw();
        }
    }

    @Test
    void everyRequestIsAnsweredWithinItsDeadlineAndServiceIsNormalRightAfterSigcont() {
        Assumptions.assumeFalse(Examples.none(), "no example to put under load");
        Examples.Scenarios fixtures = Fixtures.createAndWarm("pghung");
        LoadDriver driver = Fixtures.driver(base);
        long bound = deadline.toMillis() + SLACK_MILLIS;
        // Hung while everything is cached: the change notifications of the fixtures' own writes and the flush of
        // their views drop entries shortly after the first warm-up, so warm again once those have landed.
        Fixtures.hold(Duration.ofSeconds(1));
        fixtures.warm();
        Metrics metrics = new Metrics(registry);
        double fallbacksBefore = fallbacks(metrics);
        StallMeter stalls = StallMeter.start();
        long frozen = System.nanoTime();
        FaultServers.postgres().freeze();
        LoadDriver.Running load = driver.start(
                24, n -> n % 8 == 7 ? fixtures.uncachedRead(driver, n / 8) : fixtures.call(driver, n - n / 8));
        Fixtures.hold(HUNG_FOR);
        long thawed = System.nanoTime();
        FaultServers.postgres().thaw();
        double fallbacksWhileHung = fallbacks(metrics) - fallbacksBefore;
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> load.soFar().startedAfter(thawed).all().stream()
                        .anyMatch(o -> fixtures.role(o.label()) == Role.UNCACHED_READ && o.status() < 500));
        long recoveredMillis = Fixtures.millisSince(thawed);
        Fixtures.hold(Duration.ofMillis(RECOVERY_MILLIS + 1000));
        Outcomes outcomes = load.stop();

        Outcomes hung = outcomes.with(o -> o.startNanos() > frozen && o.endNanos() < thawed);
        Outcomes needDatabase = hung.with(
                o -> fixtures.role(o.label()) == Role.UNCACHED_READ || fixtures.role(o.label()) == Role.DATABASE_WRITE);
        LOG.infof(
                "FAULT postgres-hung: %d s hung; Redis fallbacks while hung %.0f; serving misses again %d ms after SIGCONT; while hung: %s; requests"
                        + " needing Postgres: p50 %d ms p99 %d ms max %d ms; slowest of all %d ms; deadline timeouts"
                        + " acquire %.0f query %.0f; all: %s",
                HUNG_FOR.toSeconds(),
                fallbacksWhileHung,
                recoveredMillis,
                hung.summary(),
                needDatabase.percentileMillis(50),
                needDatabase.percentileMillis(99),
                needDatabase.maxLatencyMillis(),
                outcomes.maxLatencyMillis(),
                timeouts("acquire"),
                timeouts("query"),
                outcomes.summary());

        assertThat(outcomes.matching(o -> o.status() < 0)).as("unanswered").isEmpty();
        assertThat(outcomes.matching(o -> o.status() == 500)).isEmpty();
        assertThat(outcomes.matching(o -> o.status() == 503 && !o.isDocumented503()))
                .isEmpty();
        // Judged on the time the process could run: an answer that waited for a CPU on a loaded machine is not late.
        assertThat(outcomes.matching(o -> stalls.runnableMillis(o) > bound))
                .as(
                        "answers slower than the deadline plus %d ms (this JVM's stalls while they ran deducted)",
                        SLACK_MILLIS)
                .isEmpty();
        stalls.close();
        Outcomes cached = hung.with(o -> fixtures.role(o.label()) == Role.CACHED_READ);
        assertThat(cached.size()).isPositive();
        // A cached read is served by Redis; only one whose Redis call failed (a fallback, e.g. a 250-ms Redis time-out
        // on the loaded test machine) needs Postgres, and then gets the deadline's 503.
        assertThat(cached.matching(o -> o.status() != 200 && !o.isDocumented503()))
                .as("reads of cached data while Postgres is hung")
                .isEmpty();
        assertThat((double) cached.count(o -> o.status() != 200))
                .as("cached reads not answered 200, at most the Redis fallbacks (%.0f)", fallbacksWhileHung)
                .isLessThanOrEqualTo(fallbacksWhileHung);
        assertThat(needDatabase.size()).isPositive();
        assertThat(needDatabase.matching(o -> o.status() != fixtures.success(o.label()) && !o.isDocumented503()))
                .as("requests that need Postgres while it is hung")
                .isEmpty();
        assertThat(hung.with(o -> fixtures.role(o.label()) == Role.SOURCE_READ)
                        .matching(o -> o.status() != 200 && !o.isDocumented503()))
                .isEmpty();
        Outcomes queued = hung.with(o -> fixtures.role(o.label()) == Role.QUEUED_WRITE);
        assertThat(queued.matching(o -> o.status() != fixtures.success(o.label())))
                .as("queued writes while Postgres is hung")
                .isEmpty();

        assertThat(recoveredMillis).as("ms from SIGCONT to a miss served again").isLessThanOrEqualTo(RECOVERY_MILLIS);
        Outcomes after = outcomes.startedAfter(thawed + RECOVERY_MILLIS * 1_000_000L);
        assertThat(after.size()).isPositive();
        assertThat(after.matching(o -> fixtures.role(o.label()) == Role.UNCACHED_READ
                        ? o.status() >= 500
                        : o.status() != fixtures.success(o.label())))
                .as("answers other than success from %d ms after SIGCONT", RECOVERY_MILLIS)
                .isEmpty();
        // Nothing left waiting for or holding a connection once the load has stopped.
        Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(gauge("db.pool.waiting")).isZero();
            assertThat(gauge("db.pool.active")).isZero();
            // Connections of calls abandoned at their deadline come back once Postgres has ended their sessions.
            assertThat(gauge("db.pool.abandoned")).isZero();
        });
        Fixtures.assertConsistent(fixtures, outcomes, pool);
    }

    private static double fallbacks(Metrics metrics) {
        return Examples.caches().stream().mapToDouble(metrics::fallbacks).sum();
    }

    private double timeouts(String phase) {
        var counter = registry.find("db.deadline.exceeded").tag("phase", phase).counter();
        return counter == null ? 0 : counter.count();
    }

    private double gauge(String name) {
        var gauge = registry.find(name).gauge();
        return gauge == null ? -1 : gauge.value();
    }
}
