package dev.cachepatterns.cache.aside;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.VertxOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Redis;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.cachepatterns.cache.redis.ProcessStalls;
import dev.cachepatterns.support.RedisServer;
import dev.cachepatterns.support.RedisWire;
import dev.cachepatterns.support.TcpProxy;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The tracking connection's heartbeat, judged the way the cache layer judges its other time-outs: an answer made late by
 * this process stalling flushes nothing, a connection that stays silent for longer than any stall explains is taken for
 * dead and flushed, and in both cases an entry written meanwhile is never served old once the write was acknowledged.
 * A redis-server of the test's own behind a {@link TcpProxy} (which holds the replies back), and a Vert.x of the test's
 * own whose event loops the test blocks: the stalled process, as {@code RedisGuardAdmissionTest} simulates it.
 */
class NearTierHeartbeatTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final NearSettings NEAR = TestNearSettings.on(); // heartbeat 300 ms, max silence 1 s

    private static RedisServer redis;

    private final MeterRegistry registry = new SimpleMeterRegistry();
    private final TestCacheName cache = TestCacheName.unique("heartbeat");
    private Vertx vertx;
    private TcpProxy proxy;
    private RedisWire outside;
    private final Lease lease = new Lease();
    private NearTier tier;
    private KeyTracking tracking;

    @BeforeAll
    static void startRedis() {
        redis = new RedisServer(List.of()).start();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @BeforeEach
    void startTracking() {
        // A stall of a few seconds is the point here, not a bug to warn about.
        vertx = Vertx.vertx(
                new VertxOptions().setMaxEventLoopExecuteTime(30).setMaxEventLoopExecuteTimeUnit(TimeUnit.SECONDS));
        proxy = new TcpProxy(redis.port());
        outside = RedisWire.connect(redis.port());
        ProcessStalls stalls = new ProcessStalls(vertx.getDelegate(), TimeUnit.MILLISECONDS.toNanos(50));
        tier = NearTier.create(
                cache.name(),
                registry,
                new NearTier.Bounds(1 << 20, OptionalInt.empty(), Duration.ofMinutes(1), Duration.ofMinutes(1)),
                Coverage.of(lease),
                cache.keyPrefix() + ":gen:current",
                () -> {});
        String uri = "redis://127.0.0.1:" + proxy.port();
        tracking = new KeyTracking(
                cache.name(),
                cache.keyPrefix(),
                () -> Redis.createClient(vertx, uri),
                vertx,
                NEAR,
                stalls,
                tier,
                lease,
                () -> {});
        tracking.start();
        Awaitility.await().atMost(WAIT).until(lease::serving);
    }

    @AfterEach
    void stopTracking() {
        tracking.stop();
        proxy.close();
        outside.close();
        vertx.closeAndAwait();
    }

    @Test
    void anAnswerMadeLateByThisProcessStallingFlushesNothingAndMissesNoInvalidation() {
        String written = held("written", "old");
        String untouched = held("untouched", "kept");

        // A heartbeat is on its way, then the whole process stalls for twice the silence limit; its answer comes only
        // once the process has run its timers again (as when Redis, starved too, answers late).
        proxy.blackhole();
        Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(5)).until(tracking::awaitingHeartbeat);
        List<String> seen = new ArrayList<>();
        try (Stall stall = Stall.everyEventLoop(vertx)) {
            Awaitility.await().atMost(WAIT).until(() -> !lease.serving());
            outside.call("SET", written, "new"); // acknowledged; its invalidation is held back with the answer
            Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(10)).until(() -> {
                seen.add(String.valueOf(tier.get(written)));
                return stall.lasted().compareTo(NEAR.maxSilence().multipliedBy(2)) > 0;
            });
        }
        long resumed = System.nanoTime();
        Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(10)).until(() -> {
            seen.add(String.valueOf(tier.get(written)));
            return System.nanoTime() - resumed
                    > NEAR.heartbeat().multipliedBy(2).toNanos(); // its timer ran
        });
        proxy.heal();
        Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(10)).until(() -> {
            seen.add(String.valueOf(tier.get(written)));
            return lease.serving();
        });

        assertThat(seen).as("served after the write was acknowledged").containsOnly("null");
        assertThat(flushes("heartbeat") + flushes("connection_lost") + flushes("reconnect"))
                .as("flushes")
                .isZero();
        assertThat(tier.get(untouched)).as("held through the stall").isEqualTo("kept");
        assertThat(read(written)).isEqualTo("new");
        assertThat(tier.get(written)).isEqualTo("new");
        assertThat(registry.get("cache.near.late.heartbeats").counter().count()).isPositive();
    }

    @Test
    void aConnectionSilentForLongerThanAnyStallExplainsIsTakenForDeadAndTheTierFlushed() {
        String written = held("written", "old");
        held("other", "other");

        proxy.blackhole(); // a hung server or a partition: nothing comes back, this process runs on time
        outside.call("SET", written, "new"); // acknowledged: its invalidation never arrives on this connection
        // The old value may be served until the last answered heartbeat's lease lapses, never after.
        Awaitility.await().atMost(WAIT).until(() -> !lease.serving());
        List<String> seen = new ArrayList<>();
        Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(10)).until(() -> {
            seen.add(String.valueOf(tier.get(written)));
            return flushes("heartbeat") == 1;
        });
        assertThat(seen).as("served after the lease lapsed").containsOnly("null");
        assertThat(tier.size()).as("flushed").isZero();

        proxy.heal();
        Awaitility.await().atMost(WAIT).until(() -> flushes("reconnect") >= 1 && lease.serving());
        assertThat(tier.get(written)).isNull();
        assertThat(read(written)).isEqualTo("new");
        assertThat(tier.get(written)).isEqualTo("new");
        assertThat(flushes("connection_lost")).isZero();
    }

    @Test
    void anInvalidationThatArrivesWhileAHeartbeatIsInFlightLosesNeitherOfThem() {
        String written = held("written", "old");

        // The heartbeat's answer is held back until an invalidation is queued ahead of it on the same connection.
        proxy.blackhole();
        Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(5)).until(tracking::awaitingHeartbeat);
        outside.call("SET", written, "new");
        proxy.heal();

        Awaitility.await().atMost(WAIT).until(() -> tier.get(written) == null);
        Awaitility.await().atMost(WAIT).until(() -> !tracking.awaitingHeartbeat() && lease.serving());
        assertThat(flushes("heartbeat") + flushes("connection_lost") + flushes("reconnect"))
                .as("flushes")
                .isZero();
    }

    /** A key of this test's cache, written in Redis and read into the tier. */
    private String held(String id, String value) {
        String key = cache.keyPrefix() + ":" + id;
        outside.call("SET", key, value, "PX", "60000");
        // Read again until the SET's own invalidation has arrived and the value stays.
        Awaitility.await().atMost(WAIT).until(() -> value.equals(read(key)) && value.equals(tier.get(key)));
        return key;
    }

    /** A read of Redis as CacheAside makes it: a placeholder first, the reply kept only if nothing invalidated it. */
    private String read(String key) {
        NearTier.Ticket ticket = tier.beforeRead(key);
        String raw = (String) outside.call("GET", key);
        tier.afterRead(ticket, raw);
        return raw;
    }

    private double flushes(String reason) {
        return registry.get("cache.near.flushes")
                .tag("reason", reason)
                .counter()
                .count();
    }

    /** Every event loop of a Vert.x blocked until closed: this process, stalled. */
    private record Stall(CountDownLatch release, long since) implements AutoCloseable {

        static Stall everyEventLoop(Vertx vertx) {
            CountDownLatch release = new CountDownLatch(1);
            List<EventExecutor> loops = new ArrayList<>();
            vertx.getDelegate().nettyEventLoopGroup().forEach(loops::add);
            CountDownLatch blocked = new CountDownLatch(loops.size());
            for (EventExecutor loop : loops) {
                loop.execute(() -> {
                    blocked.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
            try {
                assertThat(blocked.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return new Stall(release, System.nanoTime());
        }

        Duration lasted() {
            return Duration.ofNanos(System.nanoTime() - since);
        }

        @Override
        public void close() {
            release.countDown();
        }
    }
}
