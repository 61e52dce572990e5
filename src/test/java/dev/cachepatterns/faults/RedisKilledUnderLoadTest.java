package dev.cachepatterns.faults;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.mutiny.sqlclient.Pool;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import dev.cachepatterns.cache.redis.CircuitBreaker;
import dev.cachepatterns.cache.redis.RedisGuard;
import dev.cachepatterns.support.LoadDriver;
import dev.cachepatterns.support.Metrics;
import dev.cachepatterns.support.Outcomes;
import dev.cachepatterns.support.examples.Examples;

import static dev.cachepatterns.faults.Fixtures.LOG;
import static dev.cachepatterns.faults.Fixtures.MAX_LATENCY_MILLIS;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Redis is killed (SIGKILL) under load on every strategy at once, and restarted from its append-only file.
 *
 * <p>Pass criteria: every read answers 200 (no 5xx), every PUT 200 (committed; the cache write reported in
 * Cache-Write), every view 202; no request takes longer than the Redis time-out plus the database allowance; the circuit
 * opens within 2 s of the kill; Postgres never runs two loads of one key at the same time; once Redis is back the
 * circuit closes and users are served from Redis again without an application restart; no accepted view is lost or
 * doubled, and every SKU reads back at its committed version.
 */
@QuarkusTest
@TestProfile(FaultsProfile.class)
class RedisKilledUnderLoadTest {

    /** One-way latency the Postgres proxy adds, so that two overlapping loads of one key would be visible. */
    private static final long POSTGRES_LATENCY_MILLIS = 30;

    @TestHTTPResource("/")
    URI base;

    @Inject
    MeterRegistry registry;

    @Inject
    RedisGuard guard;

    @Inject
    Pool pool;

    @AfterEach
    void heal() {
        FaultServers.postgresProxy().heal();
        if (!FaultServers.redis().answersPing()) {
            FaultServers.redis().start();
        }
    }

    @Test
    void everyStrategyKeepsServingWhileRedisIsKilledAndRecoversWhenItReturns() {
        Assumptions.assumeFalse(Examples.none(), "no example to put under load");
        Examples.Scenarios fixtures = Fixtures.createAndWarm("killed");
        Metrics metrics = new Metrics(registry);
        LoadDriver driver = Fixtures.driver(base);
        FaultServers.postgresProxy().latency(POSTGRES_LATENCY_MILLIS);

        LoadDriver.Running load = driver.start(48, n -> fixtures.call(driver, n));
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> load.soFar().size() > 300);

        Instant killedAt = Instant.now();
        long killed = System.nanoTime();
        FaultServers.redis().stop();
        Awaitility.await()
                .atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(10))
                .until(() -> guard.circuitState() != CircuitBreaker.State.CLOSED);
        long circuitOpenedMillis = Fixtures.millisSince(killed);

        // Outage under load: long enough for several open/probe cycles (open-for is 2 s).
        Fixtures.hold(Duration.ofSeconds(4));
        double hitsBefore = Fixtures.hits(metrics);
        long restarted = System.nanoTime();
        Instant restartedAt = Instant.now();
        FaultServers.redis().start();
        Awaitility.await()
                .atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> guard.circuitState() == CircuitBreaker.State.CLOSED
                        && Fixtures.hits(metrics) > hitsBefore + 50);
        long recoveredMillis = Fixtures.millisSince(restarted);
        Fixtures.hold(Duration.ofSeconds(1));
        Outcomes outcomes = load.stop();
        FaultServers.postgresProxy().heal();

        Outcomes outage = outcomes.with(o -> o.startNanos() >= killed && o.startNanos() < restarted);
        LOG.infof(
                "FAULT redis-killed: circuit open after %d ms, cache hits again %d ms after restart; all: %s; during"
                        + " outage: %s",
                circuitOpenedMillis, recoveredMillis, outcomes.summary(), outage.summary());

        Fixtures.assertReadsAnsweredWithin(fixtures, outcomes, MAX_LATENCY_MILLIS);
        assertThat(outage.size()).isGreaterThan(100);
        Fixtures.assertWritesSucceeded(fixtures, outcomes);
        assertThat(circuitOpenedMillis).isLessThan(2000);

        assertOneLoadPerKeyAtATime(fixtures.singleKeyLoads(), killedAt, restartedAt);
        Fixtures.assertConsistent(fixtures, outcomes, pool);
    }

    /**
     * Consecutive loads of one key reach Postgres at least a proxy round trip apart: a second load can only start
     * after the first one's rows came back through the proxy. Two overlapping loads would be closer than that.
     */
    private void assertOneLoadPerKeyAtATime(List<String> statements, Instant from, Instant to) {
        PostgresStatementLog log =
                new PostgresStatementLog(FaultServers.postgres().dir());
        long minGapMillis = 2 * POSTGRES_LATENCY_MILLIS - 10;
        // Each example names its single-key loads; posts name none: a view that falls back to a synchronous UPDATE
        // reads its post's fresh counts right after it (one read per write, by design), with the cache load's
        // statement.
        for (String statement : statements) {
            Map<String, List<PostgresStatementLog.Execution>> byKey =
                    log.executionsByParameters(statement, from, to.plusSeconds(1));
            assertThat(byKey).as("loads of %s during the outage", statement).isNotEmpty();
            int loads = byKey.values().stream().mapToInt(List::size).sum();
            LOG.infof("FAULT redis-killed: %d loads over %d keys for '%s'", loads, byKey.size(), statement);
            byKey.forEach((key, executions) -> {
                for (int i = 1; i < executions.size(); i++) {
                    Duration gap = Duration.between(
                            executions.get(i - 1).finishedAt(),
                            executions.get(i).finishedAt());
                    assertThat(gap.toMillis())
                            .as("gap between loads %d and %d of %s %s", i - 1, i, statement, key)
                            .isGreaterThanOrEqualTo(minGapMillis);
                }
            });
        }
    }
}
