package dev.cachepatterns.faults;

import java.net.URI;
import java.time.Duration;

import jakarta.inject.Inject;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.cachepatterns.support.LoadDriver;
import dev.cachepatterns.support.Metrics;
import dev.cachepatterns.support.Outcomes;

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
        Fixtures fixtures = Fixtures.createAndWarm("empty");
        // Nothing may be waiting in the write-behind stream: an empty Redis would lose it (documented; AOF required).
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> registry.get("write.behind.pending").gauge().value() == 0);
        Metrics metrics = new Metrics(registry);
        LoadDriver driver = Fixtures.driver(base);
        LoadDriver.Running load = driver.start(16, n -> {
            LoadDriver.Call call = fixtures.mixed(driver, n);
            // Reads only.
            return Fixtures.READS.contains(call.label())
                    ? call
                    : driver.get("users.get", "/users/" + fixtures.users.get((int) (n % fixtures.users.size())));
        });
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> load.soFar().size() > 200);
        assertThat(hitRatioOverNext(metrics, Duration.ofMillis(500))).isGreaterThan(0.9);

        FaultServers.redis().stopAndWipe();
        long restarted = System.nanoTime();
        FaultServers.redis().start();
        assertThat(redis.key().exists("cp:users:" + fixtures.users.get(0))).isFalse();

        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(1))
                .until(() -> hitRatioOverNext(metrics, Duration.ofMillis(250)) >= 0.9);
        long recoveredMillis = Fixtures.millisSince(restarted);
        Outcomes outcomes = load.stop();

        LOG.infof(
                "FAULT redis-restarted-empty: users hit ratio >= 90%% again %d ms after the restart; %s",
                recoveredMillis, outcomes.summary());
        Fixtures.assertReadsAnsweredWithin(outcomes, MAX_LATENCY_MILLIS);
        assertThat(redis.key().exists("cp:users:" + fixtures.users.get(0))).isTrue();
    }

    /** Users hits / all users reads counted during the next {@code window}. */
    private static double hitRatioOverNext(Metrics metrics, Duration window) {
        double hits = metrics.gets("users", "hit");
        double all = hits + metrics.gets("users", "miss") + metrics.fallbacks("users");
        Fixtures.hold(window);
        double moreHits = metrics.gets("users", "hit") - hits;
        double more = metrics.gets("users", "hit") + metrics.gets("users", "miss") + metrics.fallbacks("users") - all;
        return more == 0 ? 0 : moreHits / more;
    }
}
