package dev.cachepatterns.cache.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.helpers.test.UniAssertSubscriber;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SingleFlightTest {

    private final SingleFlight<String> flights = new SingleFlight<>();

    @Test
    void concurrentCallsForOneKeyShareOneExecutionAndItsResult() {
        CompletableFuture<String> source = new CompletableFuture<>();
        AtomicInteger runs = new AtomicInteger();
        List<UniAssertSubscriber<String>> callers = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            callers.add(flights.run("k", () -> {
                        runs.incrementAndGet();
                        return Uni.createFrom().completionStage(source);
                    })
                    .subscribe()
                    .withSubscriber(UniAssertSubscriber.create()));
        }
        source.complete("value");

        assertThat(runs).hasValue(1);
        callers.forEach(caller -> caller.assertItem("value"));
        assertThat(flights.inFlightCount()).isZero();
    }

    @Test
    void aCallAfterTheResultStartsANewFlightAndFailuresKeepTheirType() {
        flights.run("k", () -> Uni.createFrom().item("first"))
                .subscribe()
                .withSubscriber(UniAssertSubscriber.create())
                .assertItem("first");
        flights.run("k", () -> Uni.createFrom().failure(new LoadRejectedException("full")))
                .subscribe()
                .withSubscriber(UniAssertSubscriber.create())
                .assertFailedWith(LoadRejectedException.class, "full");
        flights.run("k", () -> Uni.createFrom().item("third"))
                .subscribe()
                .withSubscriber(UniAssertSubscriber.create())
                .assertItem("third");
    }

    @Test
    void aCallerThatCancelsDoesNotCancelTheOthers() {
        CompletableFuture<String> source = new CompletableFuture<>();
        UniAssertSubscriber<String> leaving = flights.run(
                        "k", () -> Uni.createFrom().completionStage(source))
                .subscribe()
                .withSubscriber(UniAssertSubscriber.create());
        UniAssertSubscriber<String> staying = flights.run(
                        "k", () -> Uni.createFrom().item("unused"))
                .subscribe()
                .withSubscriber(UniAssertSubscriber.create());
        leaving.cancel();
        source.complete("value");

        staying.assertItem("value");
    }

    // Callers joining from many threads while the result is delivered each get their own subscription first, then the
    // item: the order a flatMap downstream relies on.
    @Test
    void callersJoiningWhileTheResultIsDeliveredAlwaysGetTheirSubscriptionBeforeTheItem() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            for (int round = 0; round < 200; round++) {
                CompletableFuture<String> source = new CompletableFuture<>();
                CountDownLatch start = new CountDownLatch(1);
                List<CompletableFuture<String>> answers = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    answers.add(CompletableFuture.supplyAsync(
                            () -> {
                                await(start);
                                return flights.run("k", () -> Uni.createFrom().completionStage(source))
                                        .flatMap(value -> Uni.createFrom().item(value + "!"))
                                        .await()
                                        .atMost(Duration.ofSeconds(5));
                            },
                            threads));
                }
                start.countDown();
                source.complete("v");
                for (CompletableFuture<String> answer : answers) {
                    assertThat(answer.get(5, TimeUnit.SECONDS)).isEqualTo("v!");
                }
            }
        } finally {
            threads.shutdownNow();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
