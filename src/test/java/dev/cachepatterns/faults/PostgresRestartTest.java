package dev.cachepatterns.faults;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.inject.Inject;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.mutiny.sqlclient.Pool;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.cachepatterns.support.LoadDriver;
import dev.cachepatterns.support.Outcome;
import dev.cachepatterns.support.Outcomes;

import static dev.cachepatterns.faults.Fixtures.LOG;
import static dev.cachepatterns.faults.Fixtures.MAX_LATENCY_MILLIS;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Postgres is stopped (fast shutdown) with every fixture cached, load runs, and Postgres starts again 3 s later, with
 * no application restart.
 *
 * <p>Pass criteria: reads of cached keys (users, inventory, posts) answer 200; reads that need the database and
 * inventory PUTs answer 503 problem+json with Retry-After, each within {@link #FAST_503_MILLIS}; boards answer 200 from
 * Redis or, once their short test TTL ran out, the same documented 503; views answer 202 throughout; nothing answers
 * 500. After the restart the pool reconnects by itself (a miss answers 404 again, a PUT 200), and Postgres holds exactly
 * the accepted views.
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
        Fixtures fixtures = Fixtures.createAndWarm("pgdown");
        LoadDriver driver = Fixtures.driver(base);
        AtomicLong unknownIds = new AtomicLong(900_000_000L + System.nanoTime() % 1_000_000 * 1000);
        // Postgres stops while every post is cached. (Under a steady stream of views, each flush drops the cached post;
        // a post caught in that gap when Postgres stops is not cached, and its views answer 503:
        // docs/failure-modes.md.)
        long stopped = System.nanoTime();
        FaultServers.postgres().stop();
        LoadDriver.Running load = driver.start(
                24,
                n -> n % 8 == 7
                        // Never cached: always needs the database (404 while it is up).
                        ? driver.get("users.miss", "/users/" + unknownIds.incrementAndGet())
                        : fixtures.mixed(driver, n));
        Fixtures.hold(DOWN_FOR);
        long restarted = System.nanoTime();
        FaultServers.postgres().start();
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> load.soFar().startedAfter(System.nanoTime() - 300_000_000L).all().stream()
                        .anyMatch(o -> o.label().equals("users.miss") && o.status() == 404));
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
        for (String cached : List.of("users.get", "inventory.get", "posts.get")) {
            assertThat(down.labelled(cached).size()).isPositive();
            assertThat(down.labelled(cached).matching(o -> o.status() != 200))
                    .as("%s while Postgres is down", cached)
                    .isEmpty();
        }
        assertThat(down.labelled("leaderboards.get").matching(o -> o.status() != 200 && o.status() != 503))
                .isEmpty();
        for (String needsDatabase : List.of("users.miss", "inventory.put")) {
            Outcomes failed = down.labelled(needsDatabase);
            assertThat(failed.size()).isPositive();
            assertThat(failed.matching(o -> !o.isDocumented503()))
                    .as("%s while Postgres is down", needsDatabase)
                    .isEmpty();
            assertThat(failed.matching(o -> o.latencyMillis() > FAST_503_MILLIS))
                    .as("%s 503s slower than %d ms", needsDatabase, FAST_503_MILLIS)
                    .isEmpty();
        }
        assertThat(down.labelled("posts.view").matching(o -> o.status() != 202)).isEmpty();
        assertThat(down.labelled("posts.view").size()).isPositive();
        // Everything is back without a restart.
        Outcomes after = outcomes.startedAfter(recoveredAt + 100_000_000L);
        assertThat(after.size()).isPositive();
        assertThat(after.matching(Outcome::isServerError)).isEmpty();
        given().get("/users/{id}", unknownIds.incrementAndGet()).then().statusCode(404);
        Fixtures.assertNoViewLostOrDoubled(pool, fixtures, outcomes);
    }
}
