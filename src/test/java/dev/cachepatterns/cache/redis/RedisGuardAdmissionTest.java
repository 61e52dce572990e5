package dev.cachepatterns.cache.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The guard keeps its calls in flight within the connection pool; a wait for a free slot is local congestion: not part
 * of the call's time-out and never counted by the circuit breaker. The "Redis" here is a Uni the test completes.
 */
class RedisGuardAdmissionTest {

    private final Vertx vertx = Vertx.vertx();
    private final MeterRegistry registry = new SimpleMeterRegistry();

    @AfterEach
    void closeVertx() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @Test
    void aCallThatWaitedForASlotIsTimedFromWhenItWasSent() throws Exception {
        // One slot, a 1-s time-out, and a breaker that opens on a single failure.
        RedisGuard guard = guard(1, 16, Duration.ofSeconds(1), Duration.ofSeconds(5), 1);
        Held first = new Held();
        Held second = new Held();

        CompletableFuture<String> a = run(guard, first);
        CompletableFuture<String> b = run(guard, second);
        Awaitility.await().until(first::sent);
        assertThat(second.sent()).as("the second call waits for the only slot").isFalse();
        assertThat(gauge("cache.redis.calls.queued")).isEqualTo(1);

        // Redis answers each call after 600 ms: the second finishes 1.2 s after it was made, 0.6 s after it was sent.
        vertx.setTimer(600, id -> first.reply("A"));
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(second::sent);
        vertx.setTimer(600, id -> second.reply("B"));

        assertThat(a.get(5, TimeUnit.SECONDS)).isEqualTo("A");
        assertThat(b.get(5, TimeUnit.SECONDS)).isEqualTo("B");
        assertThat(timerCount("timeout")).isZero();
        assertThat(timerCount("success")).isEqualTo(2);
        assertThat(guard.circuitState()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void aCallThatFindsNoSlotWithinTheQueueTimeoutFailsAsCongestionAndLeavesTheCircuitClosed() {
        RedisGuard guard = guard(1, 16, Duration.ofSeconds(5), Duration.ofMillis(200), 1);
        Held first = new Held();
        Held second = new Held();
        run(guard, first);
        CompletableFuture<String> b = run(guard, second);

        Awaitility.await().atMost(Duration.ofSeconds(5)).until(b::isDone);

        assertThat(b).isCompletedExceptionally();
        assertThat(cause(b)).isInstanceOf(RedisUnavailableException.class).isInstanceOf(RedisCongestedException.class);
        assertThat(second.sent()).as("a congested call never reaches Redis").isFalse();
        assertThat(counter("cache.redis.congested")).isEqualTo(1);
        assertThat(guard.circuitState()).isEqualTo(CircuitBreaker.State.CLOSED);
        first.reply("A");
    }

    @Test
    void aFullQueueRefusesAtOnce() {
        RedisGuard guard = guard(1, 1, Duration.ofSeconds(5), Duration.ofSeconds(5), 1);
        Held first = new Held();
        run(guard, first);
        CompletableFuture<String> queued = run(guard, new Held());
        Held third = new Held();

        CompletableFuture<String> refused = run(guard, third);

        assertThat(refused).isCompletedExceptionally();
        assertThat(cause(refused)).isInstanceOf(RedisCongestedException.class);
        assertThat(queued).isNotDone();
        assertThat(third.sent()).isFalse();
        assertThat(guard.circuitState()).isEqualTo(CircuitBreaker.State.CLOSED);
        first.reply("A");
    }

    @Test
    void aCallCancelledWhileQueuedNeverRunsAndHandsItsTurnOn() throws Exception {
        RedisGuard guard = guard(1, 16, Duration.ofSeconds(5), Duration.ofSeconds(5), 1);
        Held first = new Held();
        Held cancelled = new Held();
        Held next = new Held();
        run(guard, first);
        Cancellable subscription = guard.call(cancelled::command).subscribe().with(item -> {}, failure -> {});
        CompletableFuture<String> afterIt = run(guard, next);

        subscription.cancel();
        assertThat(gauge("cache.redis.calls.queued")).isEqualTo(1);
        first.reply("A");

        Awaitility.await().atMost(Duration.ofSeconds(5)).until(next::sent);
        assertThat(cancelled.sent()).isFalse();
        next.reply("C");
        assertThat(afterIt.get(5, TimeUnit.SECONDS)).isEqualTo("C");
        assertThat(gauge("cache.redis.calls.queued")).isZero();
    }

    @Test
    void aTimeOutThatFiresOnTimeCountsAsARedisFailure() {
        RedisGuard guard = guard(4, 16, Duration.ofMillis(100), Duration.ofSeconds(5), 1);

        CompletableFuture<String> unanswered = run(guard, new Held());

        Awaitility.await().atMost(Duration.ofSeconds(5)).until(unanswered::isDone);
        assertThat(cause(unanswered))
                .isInstanceOf(RedisUnavailableException.class)
                .isNotInstanceOf(RedisCongestedException.class);
        assertThat(guard.circuitState()).isEqualTo(CircuitBreaker.State.OPEN);
    }

    @Test
    void aTimeOutThatFiresLateBecauseThisProcessStalledGivesTheReplyOneMoreTimeOut() throws Exception {
        RedisGuard guard = guard(4, 16, Duration.ofMillis(400), Duration.ofSeconds(5), 1);
        Held held = new Held();
        Context loop = vertx.getOrCreateContext();
        CompletableFuture<String> reply = new CompletableFuture<>();

        // The call's timer lives on this event loop; the loop is then blocked for three time-outs (a stall).
        loop.runOnContext(
                ignored -> guard.call(held::command).subscribe().with(reply::complete, reply::completeExceptionally));
        Awaitility.await().until(held::sent);
        loop.runOnContext(ignored -> blockFor(Duration.ofMillis(1200)));
        Awaitility.await()
                .atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(5))
                .until(() -> counter("cache.redis.stalls") == 1);
        held.reply("A");

        assertThat(reply.get(5, TimeUnit.SECONDS)).isEqualTo("A");
        assertThat(timerCount("timeout")).isZero();
        assertThat(guard.circuitState()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void underContentionNoMoreThanMaxInFlightCallsAreSentAndEveryCallSettles() throws Exception {
        int maxInFlight = 3;
        RedisGuard guard = guard(maxInFlight, 100_000, Duration.ofSeconds(5), Duration.ofSeconds(30), 1);
        AtomicInteger sentNow = new AtomicInteger();
        AtomicInteger mostSent = new AtomicInteger();
        ExecutorService callers = Executors.newFixedThreadPool(8);
        List<CompletableFuture<String>> calls = new ArrayList<>();
        try {
            List<CompletableFuture<List<CompletableFuture<String>>>> batches = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                batches.add(CompletableFuture.supplyAsync(
                        () -> {
                            List<CompletableFuture<String>> mine = new ArrayList<>();
                            for (int i = 0; i < 1_000; i++) {
                                mine.add(guard.call(() -> {
                                            mostSent.accumulateAndGet(sentNow.incrementAndGet(), Math::max);
                                            Uni<String> reply = Uni.createFrom().item("ok");
                                            if (ThreadLocalRandom.current().nextInt(10) == 0) {
                                                reply = reply.onItem().delayIt().by(Duration.ofMillis(1));
                                            }
                                            return reply.eventually(sentNow::decrementAndGet);
                                        })
                                        .subscribeAsCompletionStage());
                            }
                            return mine;
                        },
                        callers));
            }
            for (CompletableFuture<List<CompletableFuture<String>>> batch : batches) {
                calls.addAll(batch.get(60, TimeUnit.SECONDS));
            }
            CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        } finally {
            callers.shutdownNow();
        }

        assertThat(calls).hasSize(8_000).allMatch(call -> "ok".equals(call.join()));
        assertThat(mostSent.get()).isBetween(1, maxInFlight);
        assertThat(gauge("cache.redis.calls.queued")).isZero();
        assertThat(guard.circuitState()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    private static void blockFor(Duration stall) {
        long until = System.nanoTime() + stall.toNanos();
        while (System.nanoTime() < until) {
            Thread.onSpinWait();
        }
    }

    private RedisGuard guard(
            int maxInFlight, int maxQueued, Duration timeout, Duration queueTimeout, int failureThreshold) {
        RedisResilienceConfig config = new TestConfig(maxInFlight, maxQueued, timeout, queueTimeout, failureThreshold);
        return new RedisGuard(config, registry, vertx);
    }

    private static CompletableFuture<String> run(RedisGuard guard, Held held) {
        return guard.call(held::command).subscribeAsCompletionStage();
    }

    private static Throwable cause(CompletableFuture<?> failed) {
        return failed.handle((item, failure) -> failure).join();
    }

    private double gauge(String name) {
        return registry.get(name).gauge().value();
    }

    private double counter(String name) {
        return registry.get(name).counter().count();
    }

    private long timerCount(String outcome) {
        return registry.get("cache.redis.command.duration")
                .tag("outcome", outcome)
                .timer()
                .count();
    }

    /** A Redis call the test answers: {@link #sent} once the guard let it go to Redis. */
    private static final class Held {
        private final AtomicBoolean sent = new AtomicBoolean();
        private volatile UniEmitter<? super String> emitter;

        Uni<String> command() {
            sent.set(true);
            return Uni.createFrom().emitter(e -> emitter = e);
        }

        boolean sent() {
            return sent.get();
        }

        void reply(String value) {
            Awaitility.await().until(() -> emitter != null);
            emitter.complete(value);
        }
    }

    private record TestConfig(
            int maxInFlight, int maxQueued, Duration timeout, Duration queueTimeout, int failureThreshold)
            implements RedisResilienceConfig {
        @Override
        public int windowSize() {
            return 20;
        }

        @Override
        public Duration openFor() {
            return Duration.ofSeconds(30);
        }

        @Override
        public Duration warmUpTimeout() {
            return Duration.ofSeconds(1);
        }

        @Override
        public String fillChannel() {
            return "cp:fills";
        }
    }
}
