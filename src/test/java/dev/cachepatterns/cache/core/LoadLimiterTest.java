package dev.cachepatterns.cache.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.helpers.test.UniAssertSubscriber;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LoadLimiterTest {

    private final LoadLimiter limiter = limiter(Duration.ofSeconds(30));

    private static LoadLimiter limiter(Duration deadline) {
        return new LoadLimiter(
                new LoadLimitConfig() {
                    @Override
                    public int maxConcurrent() {
                        return 2;
                    }

                    @Override
                    public int maxQueued() {
                        return 1;
                    }
                },
                deadline(deadline),
                new SimpleMeterRegistry());
    }

    static SourceConfig deadline(Duration deadline) {
        return new SourceConfig() {
            @Override
            public Duration deadline() {
                return deadline;
            }

            @Override
            public Duration statementTimeout() {
                return Duration.ZERO;
            }

            @Override
            public int maxWaiting() {
                return -1;
            }

            @Override
            public Duration readIdleTimeout() {
                return Duration.ZERO;
            }
        };
    }

    @Test
    void runsAtMostMaxConcurrentQueuesTheNextAndRejectsTheRest() {
        List<CompletableFuture<String>> loads = new ArrayList<>();
        List<UniAssertSubscriber<String>> callers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            CompletableFuture<String> load = new CompletableFuture<>();
            loads.add(load);
            callers.add(limiter.run(() -> Uni.createFrom().completionStage(load))
                    .subscribe()
                    .withSubscriber(UniAssertSubscriber.create()));
        }

        // Two run, one waits, the fourth is rejected at once.
        callers.get(3).assertFailedWith(LoadRejectedException.class);
        assertThat(loads.get(2)).isNotDone();

        loads.get(0).complete("a");
        callers.get(0).assertItem("a");
        // The freed slot went to the queued caller, whose load now runs and completes.
        loads.get(2).complete("c");
        callers.get(2).assertItem("c");
        loads.get(1).complete("b");
        callers.get(1).assertItem("b");
    }

    @Test
    void aFailedLoadReleasesItsSlot() {
        for (int i = 0; i < 5; i++) {
            limiter.run(() -> Uni.createFrom().failure(new IllegalStateException("db down")))
                    .subscribe()
                    .withSubscriber(UniAssertSubscriber.create())
                    .assertFailedWith(IllegalStateException.class);
        }
        limiter.run(() -> Uni.createFrom().item("ok"))
                .subscribe()
                .withSubscriber(UniAssertSubscriber.create())
                .assertItem("ok");
    }

    @Test
    void loadsBehindAHungDatabaseFailAtTheirDeadlineAndTheSlotsComeBackWhenItAnswers() {
        LoadLimiter limiter = limiter(Duration.ofMillis(300));
        List<CompletableFuture<String>> hung = List.of(new CompletableFuture<>(), new CompletableFuture<>());
        List<UniAssertSubscriber<String>> callers = new ArrayList<>();
        for (CompletableFuture<String> load : hung) {
            callers.add(limiter.run(() -> Uni.createFrom().completionStage(load))
                    .subscribe()
                    .withSubscriber(UniAssertSubscriber.create()));
        }
        UniAssertSubscriber<String> queued = limiter.run(() -> Uni.createFrom().item("never run"))
                .subscribe()
                .withSubscriber(UniAssertSubscriber.create());

        // Running and queued loads alike fail at the deadline, not after the hung ones.
        callers.forEach(
                caller -> caller.awaitFailure(Duration.ofSeconds(5)).assertFailedWith(SourceTimeoutException.class));
        queued.awaitFailure(Duration.ofSeconds(5)).assertFailedWith(SourceTimeoutException.class);

        // The database answers at last: the slots are free again and the skipped load never ran.
        hung.forEach(load -> load.complete("late"));
        limiter.run(() -> Uni.createFrom().item("ok"))
                .subscribe()
                .withSubscriber(UniAssertSubscriber.create())
                .assertItem("ok");
    }

    @Test
    void aLongQueueOfLoadsThatFailAtOnceIsDrainedWithoutRecursion() {
        LoadLimiter deep = new LoadLimiter(
                new LoadLimitConfig() {
                    @Override
                    public int maxConcurrent() {
                        return 1;
                    }

                    @Override
                    public int maxQueued() {
                        return 5000;
                    }
                },
                deadline(Duration.ofSeconds(30)),
                new SimpleMeterRegistry());
        CompletableFuture<String> first = new CompletableFuture<>();
        UniAssertSubscriber<String> running = deep.run(() -> Uni.createFrom().completionStage(first))
                .subscribe()
                .withSubscriber(UniAssertSubscriber.create());
        // Loads that fail synchronously, as a pool that rejects an acquisition at once (a full wait queue) does.
        List<UniAssertSubscriber<String>> queued = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            queued.add(deep.<String>run(() -> Uni.createFrom().failure(new IllegalStateException("pool too busy")))
                    .subscribe()
                    .withSubscriber(UniAssertSubscriber.create()));
        }
        first.complete("a");
        running.assertItem("a");
        queued.forEach(caller -> caller.assertFailedWith(IllegalStateException.class, "pool too busy"));
    }
}
