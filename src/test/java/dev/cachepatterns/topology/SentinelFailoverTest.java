package dev.cachepatterns.topology;

import java.net.URI;
import java.time.Duration;

import jakarta.inject.Inject;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.mutiny.sqlclient.Pool;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import dev.cachepatterns.support.LoadDriver;
import dev.cachepatterns.support.Metrics;
import dev.cachepatterns.support.Outcomes;
import dev.cachepatterns.support.RedisSentinelSetup;
import dev.cachepatterns.support.SentinelProfile;
import dev.cachepatterns.support.SentinelResource;
import dev.cachepatterns.support.examples.Examples;
import dev.cachepatterns.support.examples.Role;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The unchanged service on Redis Sentinel (the {@code sentinel} configuration profile): a primary, a replica and three
 * sentinels of the test's own. Under steady traffic over every example present the primary is killed (SIGKILL). Users
 * depend on: no answer is a 5xx, no request hangs or takes longer than {@link #REQUEST_BOUND}, and after the fail-over
 * the service caches on the new primary again by itself (no restart): fresh data lands there, reads hit it, queued
 * writes are flushed and every example's consistency check holds.
 */
@QuarkusTest
@TestProfile(SentinelProfile.class)
class SentinelFailoverTest {

    /**
     * Slowest acceptable answer during the fail-over: the Redis time-out (250 ms) at most twice on a read path (cache
     * read, then lock or fill) plus the Postgres load, with a wide margin for a busy 2-core build machine.
     */
    static final Duration REQUEST_BOUND = Duration.ofSeconds(3);

    @TestHTTPResource("/")
    URI base;

    @Inject
    MeterRegistry registry;

    @Inject
    Pool pool;

    @Test
    void theServiceAnswersThroughAFailoverAndCachesOnThePromotedReplica() {
        Assumptions.assumeFalse(Examples.none(), "no example to put under load");
        RedisSentinelSetup sentinel = SentinelResource.setup();
        Metrics metrics = new Metrics(registry);
        Examples.Scenarios scenarios = Examples.prepare("sentinel");
        for (String key : scenarios.cachedKeys()) {
            assertThat(RedisSentinelSetup.cli(sentinel.primary().port(), "EXISTS", key))
                    .as("%s on the primary", key)
                    .startsWith("1");
        }

        LoadDriver driver = new LoadDriver(base);
        LoadDriver.Running load = driver.start(4, n -> scenarios.call(driver, n));
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> load.soFar().size() >= 100);

        double fallbacksAtKill = metrics.total("cache.fallbacks");
        double nearFlushesAtKill = metrics.total("cache.near.flushes");
        long killedAt = System.nanoTime();
        sentinel.killPrimary();
        sentinel.awaitReplicaPromoted(Duration.ofSeconds(60));
        long promotedAt = System.nanoTime();

        // After: data nobody has read yet is filled on the new primary.
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(250))
                .ignoreExceptions()
                .untilAsserted(() -> {
                    Examples.Scenarios fresh = Examples.prepare("after-failover");
                    for (String key : fresh.cachedKeys()) {
                        assertThat(RedisSentinelSetup.cli(sentinel.replica().port(), "EXISTS", key))
                                .as("%s on the new primary", key)
                                .startsWith("1");
                    }
                });
        long recoveredAt = System.nanoTime();

        // From now on the load is served by the new primary: cache hits, at most a stray fallback when one reply is
        // slower than the time-out on a busy machine (there were hundreds during the outage).
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> registry.get("cache.redis.circuit.open").gauge().value() == 0);
        double hitsAtRecovery = totalHits(metrics);
        double nearHitsAtRecovery = nearHits(metrics);
        double fallbacksAtRecovery = metrics.total("cache.fallbacks");
        long keyspaceHits = keyspaceHits(sentinel.replica().port());
        int atRecovery = load.soFar().size();
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> load.soFar().size() >= atRecovery + 200);
        assertThat(totalHits(metrics)).isGreaterThan(hitsAtRecovery + 10);
        // Served by the new primary: hits there, or near-tier hits of entries read from it after the tier's flush.
        assertThat(keyspaceHits(sentinel.replica().port()) - keyspaceHits + nearHits(metrics) - nearHitsAtRecovery)
                .isGreaterThan(10);
        if (nearHitsAtRecovery > 0 || nearHits(metrics) > 0) {
            // The near tier lost its tracking connection with the old primary, so it was flushed.
            assertThat(metrics.total("cache.near.flushes")).isGreaterThan(nearFlushesAtKill);
        }
        assertThat(metrics.total("cache.fallbacks") - fallbacksAtRecovery).isLessThan(10);
        // A write-through entry written during the outage is bypassed until the repair invalidates it, about 1 s later.
        Awaitility.await()
                .atMost(Duration.ofSeconds(15))
                .until(() ->
                        registry.find("cache.untrusted.keys").gauges().stream().allMatch(gauge -> gauge.value() == 0));
        Outcomes outcomes = load.stop();

        long duringOutage = outcomes.count(o -> o.startNanos() >= killedAt && o.startNanos() < recoveredAt);
        System.out.printf(
                "Sentinel fail-over: replica promoted %d ms after the primary was killed, fresh data cached on it after"
                        + " %d ms; %d requests (%d during the fail-over), slowest %d ms, %.0f reads served by"
                        + " Postgres%n",
                (promotedAt - killedAt) / 1_000_000,
                (recoveredAt - killedAt) / 1_000_000,
                outcomes.size(),
                duringOutage,
                outcomes.maxLatencyMillis(),
                fallbacksAtRecovery - fallbacksAtKill);

        // No request failed, none answered 5xx, none hung or took longer than the bound.
        assertThat(outcomes.matching(o -> o.status() != scenarios.success(o.label())))
                .as("requests that did not succeed")
                .isEmpty();
        assertThat(outcomes.maxLatencyMillis()).isLessThan(REQUEST_BOUND.toMillis());
        assertThat(duringOutage).isPositive();
        // While Redis had no primary, reads were answered from Postgres.
        assertThat(fallbacksAtRecovery).isGreaterThan(fallbacksAtKill);
        // Queued writes were flushed from the new primary; writes committed meanwhile are read back.
        if (outcomes.count(o -> scenarios.role(o.label()) == Role.QUEUED_WRITE) > 0) {
            Awaitility.await()
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> registry.find("write.behind.pending").gauges().stream()
                                    .mapToDouble(Gauge::value)
                                    .sum()
                            == 0);
        }
        scenarios.stream().forEach(scenario -> scenario.assertConsistent(outcomes, pool));
    }

    private static double totalHits(Metrics metrics) {
        return Examples.caches().stream()
                .mapToDouble(c -> metrics.gets(c, "hit") + metrics.gets(c, "near_hit"))
                .sum();
    }

    private static double nearHits(Metrics metrics) {
        return Examples.caches().stream()
                .mapToDouble(c -> metrics.gets(c, "near_hit"))
                .sum();
    }

    private static long keyspaceHits(int port) {
        return RedisSentinelSetup.cli(port, "INFO", "stats")
                .lines()
                .filter(line -> line.startsWith("keyspace_hits:"))
                .mapToLong(line ->
                        Long.parseLong(line.substring("keyspace_hits:".length()).trim()))
                .findFirst()
                .orElseThrow();
    }
}
