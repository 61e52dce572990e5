package dev.cachepatterns.faults;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import jakarta.inject.Inject;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.mutiny.sqlclient.Pool;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.cachepatterns.cache.redis.CircuitBreaker;
import dev.cachepatterns.cache.redis.RedisGuard;
import dev.cachepatterns.support.LoadDriver;
import dev.cachepatterns.support.Outcomes;
import dev.cachepatterns.support.examples.Examples;

import static dev.cachepatterns.faults.Fixtures.LOG;
import static dev.cachepatterns.faults.Fixtures.MAX_LATENCY_MILLIS;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Redis hangs (accepts connections, answers nothing) under load on every strategy, three ways: the process is stopped
 * with SIGSTOP, the server pauses its clients with CLIENT PAUSE, or the proxy in front of it blackholes the traffic.
 *
 * <p>Pass criteria, for each: every read answers 200 and every view 202; no request takes longer than the Redis time-out
 * plus the database allowance; the circuit opens; once Redis answers again the circuit closes by itself; no accepted view
 * is lost or doubled (a view whose script timed out was written synchronously; the script, answered late, must not
 * count it again).
 */
@QuarkusTest
@TestProfile(FaultsProfile.class)
class RedisHungTest {

    private static final Duration HUNG_FOR = Duration.ofSeconds(3);

    @TestHTTPResource("/")
    URI base;

    @Inject
    RedisGuard guard;

    @Inject
    Pool pool;

    @Inject
    MeterRegistry registry;

    private Examples.Scenarios fixtures;

    @BeforeEach
    void createData() {
        Assumptions.assumeFalse(Examples.none(), "no example to put under load");
        fixtures = Fixtures.createAndWarm("hung");
    }

    @AfterEach
    void heal() {
        FaultServers.redisProxy().heal();
        signal("CONT");
        Awaitility.await()
                .atMost(Duration.ofSeconds(20))
                .until(() -> guard.circuitState() == CircuitBreaker.State.CLOSED);
    }

    @Test
    void sigstop() {
        hung("sigstop", () -> signal("STOP"), () -> signal("CONT"));
    }

    @Test
    void clientPauseAll() {
        hung("client-pause-all", () -> redisCommand("CLIENT PAUSE " + HUNG_FOR.toMillis() + " ALL"), () -> {});
    }

    @Test
    void clientPauseWrite() {
        hung("client-pause-write", () -> redisCommand("CLIENT PAUSE " + HUNG_FOR.toMillis() + " WRITE"), () -> {});
    }

    @Test
    void blackholedByTheProxy() {
        hung("proxy-blackhole", FaultServers.redisProxy()::blackhole, FaultServers.redisProxy()::heal);
    }

    private void hung(String name, Runnable fault, Runnable cure) {
        LoadDriver driver = Fixtures.driver(base);
        LoadDriver.Running load = driver.start(24, n -> fixtures.call(driver, n));
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> load.soFar().size() > 200);

        long timeoutsBefore = redisTimeouts();
        long hungAt = System.nanoTime();
        fault.run();
        boolean circuitOpened;
        try {
            circuitOpened = circuitOpensWithin(HUNG_FOR);
        } finally {
            Fixtures.hold(HUNG_FOR.minusMillis(Fixtures.millisSince(hungAt)));
            cure.run();
        }
        long cured = System.nanoTime();
        Awaitility.await()
                .atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> guard.circuitState() == CircuitBreaker.State.CLOSED);
        long recoveredMillis = Fixtures.millisSince(cured);
        Outcomes outcomes = load.stop();
        Outcomes during = outcomes.with(o -> o.startNanos() >= hungAt && o.startNanos() < cured);

        LOG.infof(
                "FAULT redis-hung %s: circuit opened %s, closed %d ms after the cure; during: %s; all: %s",
                name, circuitOpened, recoveredMillis, during.summary(), outcomes.summary());
        Fixtures.assertReadsAnsweredWithin(fixtures, outcomes, MAX_LATENCY_MILLIS);
        Fixtures.assertWritesSucceeded(fixtures, outcomes);
        Fixtures.assertConsistent(fixtures, outcomes, pool);
        if (!name.equals("client-pause-write")) {
            // Under CLIENT PAUSE WRITE, reads keep being answered by Redis: whether the time-outs of the writes
            // (scripts)
            // reach the threshold depends on the mix, so only the other three must open it.
            assertThat(circuitOpened).as("circuit opened").isTrue();
            // The calls that opened it are in the latency histogram as time-outs, not lost from it.
            assertThat(redisTimeouts()).as("Redis calls timed as time-outs").isGreaterThan(timeoutsBefore);
        }
    }

    private long redisTimeouts() {
        Timer timer = registry.find("cache.redis.command.duration")
                .tag("outcome", "timeout")
                .timer();
        return timer == null ? 0 : timer.count();
    }

    private boolean circuitOpensWithin(Duration limit) {
        try {
            Awaitility.await()
                    .atMost(limit)
                    .pollInterval(Duration.ofMillis(10))
                    .until(() -> guard.circuitState() != CircuitBreaker.State.CLOSED);
            return true;
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            return false;
        }
    }

    private static void signal(String signal) {
        try {
            Process kill = new ProcessBuilder(
                            "kill",
                            "-" + signal,
                            String.valueOf(FaultServers.redis().pid()))
                    .inheritIO()
                    .start();
            assertThat(kill.waitFor()).isZero();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Sends one inline command straight to redis-server (not through the proxy) and expects +OK. */
    private static void redisCommand(String command) {
        try (Socket socket = new Socket()) {
            socket.connect(
                    new InetSocketAddress("127.0.0.1", FaultServers.redis().port()), 1000);
            socket.setSoTimeout(2000);
            OutputStream out = socket.getOutputStream();
            out.write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] reply = new byte[64];
            int read = in.read(reply);
            assertThat(new String(reply, 0, Math.max(0, read), StandardCharsets.US_ASCII))
                    .startsWith("+OK");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
