package dev.cachepatterns.faults;

import java.net.URI;
import java.time.Duration;

import io.vertx.mutiny.sqlclient.Pool;
import org.awaitility.Awaitility;
import org.jboss.logging.Logger;

import dev.cachepatterns.support.LoadDriver;
import dev.cachepatterns.support.Outcomes;
import dev.cachepatterns.support.examples.Examples;
import dev.cachepatterns.support.examples.Role;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bounds and assertions the fault scenarios share; the data and the load mix come from the examples present
 * ({@link Examples}). Bounds are stated once here: a request may wait for one Redis time-out ({@code
 * cache.redis.timeout}, 250 ms) and then for Postgres; the database allowance is generous because the tests run on a
 * shared 2-core machine next to other builds.
 */
final class Fixtures {

    static final Logger LOG = Logger.getLogger("dev.cachepatterns.faults");

    static final Duration REDIS_TIMEOUT = Duration.ofMillis(250);
    /** Postgres time (through the proxy's added latency, if any) plus CPU contention on the shared machine. */
    static final Duration DATABASE_ALLOWANCE = Duration.ofMillis(2750);
    /** The longest any request may take in a scenario: one Redis time-out plus the database allowance. */
    static final long MAX_LATENCY_MILLIS =
            REDIS_TIMEOUT.plus(DATABASE_ALLOWANCE).toMillis();

    private Fixtures() {}

    /** A few entities of every example, created through the API and read once (so they are cached). */
    static Examples.Scenarios createAndWarm(String label) {
        return Examples.prepare(label);
    }

    static LoadDriver driver(URI base) {
        return new LoadDriver(base);
    }

    /** While Redis fails: no read got anything but 200, and no request at all took longer than {@code maxMillis}. */
    static void assertReadsAnsweredWithin(Examples.Scenarios scenarios, Outcomes outcomes, long maxMillis) {
        Outcomes reads = outcomes.with(o -> scenarios.role(o.label()).isRead());
        assertThat(reads.size()).isPositive();
        assertThat(reads.matching(o -> o.status() != 200))
                .as("reads that did not answer 200")
                .isEmpty();
        assertThat(outcomes.matching(o -> o.latencyMillis() > maxMillis))
                .as("requests slower than %d ms", maxMillis)
                .isEmpty();
    }

    /** While Redis fails: every write committed (or queued) and answered its success status. */
    static void assertWritesSucceeded(Examples.Scenarios scenarios, Outcomes outcomes) {
        assertThat(outcomes.matching(o -> {
                    Role role = scenarios.role(o.label());
                    return (role == Role.DATABASE_WRITE || role == Role.QUEUED_WRITE)
                            && o.status() != scenarios.success(o.label());
                }))
                .as("writes that did not succeed")
                .isEmpty();
    }

    /** After the cure: no acknowledged write lost or doubled, reads agree with Postgres (each example's own check). */
    static void assertConsistent(Examples.Scenarios scenarios, Outcomes outcomes, Pool pool) {
        scenarios.stream().forEach(scenario -> scenario.assertConsistent(outcomes, pool));
    }

    /** Cache hits over every example's caches: the signal that reads are served from Redis again. */
    static double hits(dev.cachepatterns.support.Metrics metrics) {
        return Examples.caches().stream()
                .mapToDouble(c -> metrics.gets(c, "hit"))
                .sum();
    }

    /** Sleeps without a sleep call: the fault must last this long. */
    static void hold(Duration duration) {
        Awaitility.await().pollDelay(duration).atMost(duration.plusSeconds(5)).until(() -> true);
    }

    static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }
}
