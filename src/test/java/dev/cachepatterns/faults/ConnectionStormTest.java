package dev.cachepatterns.faults;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import jakarta.inject.Inject;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.mutiny.sqlclient.Pool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.cachepatterns.support.LoadDriver;
import dev.cachepatterns.support.Outcome;
import dev.cachepatterns.support.Outcomes;
import dev.cachepatterns.support.examples.Examples;

import static dev.cachepatterns.faults.Fixtures.LOG;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A connection storm: about {@value #STORM} concurrent requests at once, each on its own connection, on cold keys of
 * every example present (every read needs a database load) plus the examples' writes of them.
 *
 * <p>Pass criteria: every request answers 200 or a documented 503 (problem+json with Retry-After), at least half of
 * those within 1 s at the server; Postgres refuses no connection; no 500, no other status, no request without an answer;
 * afterwards the service answers normally (200s within the usual bound); the Vert.x blocked-thread checker logs no
 * warning during the storm.
 */
@QuarkusTest
@TestProfile(FaultsProfile.class)
class ConnectionStormTest {

    static final int STORM = 4000;

    @TestHTTPResource("/")
    URI base;

    @Inject
    Pool pool;

    @Inject
    MeterRegistry registry;

    private final Queue<String> blockedWarnings = new ConcurrentLinkedQueue<>();
    private final Handler blockedThreadWatcher = new Handler() {
        @Override
        public void publish(LogRecord record) {
            String message = record.getMessage();
            if (message != null && message.contains("has been blocked for")) {
                blockedWarnings.add(message);
            }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    @BeforeEach
    void watchForBlockedThreads() {
        Logger.getLogger("").addHandler(blockedThreadWatcher);
    }

    @AfterEach
    void stopWatching() {
        Logger.getLogger("").removeHandler(blockedThreadWatcher);
    }

    @Test
    void aStormGetsOnly200sAndFast503sAndTheServiceServesNormallyAfterwards() {
        Assumptions.assumeFalse(Examples.none(), "no example to storm");
        LoadDriver driver = Fixtures.driver(base);
        // Each example's share: reads of rows written straight into Postgres (every one needs a load), and its writes.
        int each = STORM * 4 / 5 / Examples.all().size();
        List<LoadDriver.Call> storm = new ArrayList<>();
        Examples.all().forEach(example -> storm.addAll(example.coldCalls(driver, pool, each)));
        List<LoadDriver.Call> reads = storm.stream()
                .filter(call -> call.request().method().equals("GET"))
                .toList();

        ServerSide before = ServerSide.of(registry);
        long started = System.nanoTime();
        Outcomes outcomes = driver.burst(storm);
        long stormMillis = Fixtures.millisSince(started);
        // The server records a request's timer as it sends the answer: give the last ones a moment.
        Fixtures.hold(Duration.ofMillis(300));
        ServerSide server = ServerSide.of(registry).minus(before);
        Outcomes rejected = outcomes.with(o -> o.status() == 503);
        LOG.infof(
                "FAULT connection-storm: %d requests in %d ms: %s; 503s at the client: p50 %d ms, p99 %d ms, max %d ms;"
                        + " at the server: %s; blocked-thread warnings: %d",
                outcomes.size(),
                stormMillis,
                outcomes.summary(),
                rejected.percentileMillis(50),
                rejected.percentileMillis(99),
                rejected.maxLatencyMillis(),
                server,
                blockedWarnings.size());
        LOG.infof(
                "FAULT connection-storm: 503 'saturated' %d, 'in time' (deadline) %d, 'unavailable' %d",
                rejected.count(o -> o.body().contains("saturated")),
                rejected.count(o -> o.body().contains("in time")),
                rejected.count(o -> o.body().contains("unavailable")));
        // Every 503 is a bounded queue refusing at once ("saturated": the load limiter or the pool's wait queue), a
        // call
        // past its deadline ("did not answer in time"), or a call whose connection could not be opened or was lost
        // under
        // it ("unavailable"). The pool never asks Postgres for more connections than it allows: none is refused for
        // lack
        // of slots.
        assertThat(rejected.matching(o -> !o.body().contains("saturated")
                        && !o.body().contains("in time")
                        && !o.body().contains("unavailable")))
                .isEmpty();
        assertThat(new PostgresStatementLog(FaultServers.postgres().dir()).errors("53300"))
                .as("connections Postgres refused (too many clients)")
                .isEmpty();
        // How fast, measured where the service can be held to it (the test client shares the two cores with the
        // server and queues most of the time itself): from the request's arrival to its answer. Most within 1 s; on
        // a machine loaded by other builds the rest wait for CPU behind thousands of other requests.
        assertThat(server.count503()).isEqualTo(rejected.size());
        assertThat(server.count503Within1s()).isGreaterThanOrEqualTo(server.count503() / 2);

        assertThat(outcomes.size()).isEqualTo(storm.size());
        assertThat(outcomes.matching(o -> o.status() != 200 && !o.isDocumented503()))
                .as("answers other than 200 and a documented 503")
                .isEmpty();
        assertThat(blockedWarnings).as("Vert.x blocked-thread warnings").isEmpty();

        // Afterwards: normal service, one request at a time.
        List<LoadDriver.Call> after = reads.subList(0, Math.min(40, reads.size()));
        Outcomes calm = new Outcomes(after.stream()
                .map(call -> driver.burst(List.of(call)).all().get(0))
                .toList());
        assertThat(calm.matching(o -> o.status() != 200)).isEmpty();
        assertThat(calm.matching(o -> o.latencyMillis() > Fixtures.MAX_LATENCY_MILLIS))
                .isEmpty();
        LOG.infof("FAULT connection-storm: after the storm %s", calm.summary());
        assertThat(outcomes.matching(Outcome::isServerError).stream()
                        .filter(o -> o.status() != 503)
                        .toList())
                .isEmpty();
    }

    /**
     * The service's own view of the 503s: {@code http_server_requests_seconds{status="503"}}, from the request's arrival
     * to the response, with its histogram buckets.
     */
    record ServerSide(long count503, long count503Within1s, long count503Within2500Ms) {
        static ServerSide of(MeterRegistry registry) {
            long count = 0;
            long within1s = 0;
            long within2500Ms = 0;
            for (Timer timer :
                    registry.find("http.server.requests").tag("status", "503").timers()) {
                HistogramSnapshot snapshot = timer.takeSnapshot();
                count += snapshot.count();
                for (CountAtBucket bucket : snapshot.histogramCounts()) {
                    double millis = bucket.bucket(TimeUnit.MILLISECONDS);
                    if (millis == 1000) {
                        within1s += (long) bucket.count();
                    } else if (millis == 2500) {
                        within2500Ms += (long) bucket.count();
                    }
                }
            }
            return new ServerSide(count, within1s, within2500Ms);
        }

        ServerSide minus(ServerSide before) {
            return new ServerSide(
                    count503 - before.count503,
                    count503Within1s - before.count503Within1s,
                    count503Within2500Ms - before.count503Within2500Ms);
        }
    }
}
