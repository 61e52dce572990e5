package dev.cachepatterns.faults;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.inject.Inject;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import dev.cachepatterns.support.LoadDriver;
import dev.cachepatterns.support.Metrics;
import dev.cachepatterns.support.Outcomes;
import dev.cachepatterns.support.RedisWire;
import dev.cachepatterns.support.examples.Examples;

import static dev.cachepatterns.faults.Fixtures.LOG;
import static dev.cachepatterns.faults.Fixtures.MAX_LATENCY_MILLIS;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Redis is killed and comes back empty (its files deleted) while reads run: no application restart.
 *
 * <p>Pass criteria: every read answers 200 within the bound; the users hit ratio, measured over 250 ms windows, gets
 * back to at least 90% by itself within 10 s of the restart (the keys are refilled by the reads).
 */
@QuarkusTest
@TestProfile(FaultsProfile.class)
class RedisRestartedEmptyTest {

    @TestHTTPResource("/")
    URI base;

    @Inject
    MeterRegistry registry;

    @Inject
    RedisDataSource redis;

    @AfterEach
    void heal() {
        if (!FaultServers.redis().answersPing()) {
            FaultServers.redis().start();
        }
    }

    @Test
    void theHitRatioRecoversByItselfAfterRedisRestartsEmpty() {
        Assumptions.assumeFalse(Examples.none(), "no example to put under load");
        Examples.Scenarios fixtures = Fixtures.createAndWarm("empty");
        // Nothing may be waiting in a write-behind stream: an empty Redis would lose it (documented; AOF required).
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() ->
                        registry.find("write.behind.pending").gauges().stream().allMatch(gauge -> gauge.value() == 0));
        Metrics metrics = new Metrics(registry);
        LoadDriver driver = Fixtures.driver(base);
        AtomicLong next = new AtomicLong();
        LoadDriver.Running load = driver.start(16, n -> {
            // Reads only.
            LoadDriver.Call call = fixtures.call(driver, next.getAndIncrement());
            while (!fixtures.role(call.label()).isRead()) {
                call = fixtures.call(driver, next.getAndIncrement());
            }
            return call;
        });
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> load.soFar().size() > 200);
        assertThat(hitRatioOverNext(metrics, Duration.ofMillis(500))).isGreaterThan(0.9);

        String firstKey = fixtures.cachedKeys().get(0);
        String serverBefore = runId();
        FaultServers.redis().stopAndWipe();
        long restarted = System.nanoTime();
        FaultServers.redis().start();
        // A new, empty server process: the reads refill a hot key at once, so no key can prove "empty" here.
        assertThat(runId()).isNotEqualTo(serverBefore);

        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(1))
                .until(() -> hitRatioOverNext(metrics, Duration.ofMillis(250)) >= 0.9);
        long recoveredMillis = Fixtures.millisSince(restarted);
        Outcomes outcomes = load.stop();

        LOG.infof(
                "FAULT redis-restarted-empty: hit ratio >= 90%% again %d ms after the restart; %s",
                recoveredMillis, outcomes.summary());
        Fixtures.assertReadsAnsweredWithin(fixtures, outcomes, MAX_LATENCY_MILLIS);
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> redis.key().exists(firstKey));
    }

    private static String runId() {
        try (RedisWire wire = RedisWire.connect(FaultServers.redis().port())) {
            String info = String.valueOf(wire.call("INFO", "server"));
            return info.lines()
                    .filter(line -> line.startsWith("run_id:"))
                    .findFirst()
                    .orElseThrow();
        }
    }

    /** Hits / all reads of every example's caches, counted during the next {@code window}. */
    private static double hitRatioOverNext(Metrics metrics, Duration window) {
        double hits = Fixtures.hits(metrics);
        double all = hits + reads(metrics);
        Fixtures.hold(window);
        double moreHits = Fixtures.hits(metrics) - hits;
        double more = Fixtures.hits(metrics) + reads(metrics) - all;
        return more == 0 ? 0 : moreHits / more;
    }

    private static double reads(Metrics metrics) {
        return Examples.caches().stream()
                .mapToDouble(c -> metrics.gets(c, "miss") + metrics.fallbacks(c))
                .sum();
    }
}
