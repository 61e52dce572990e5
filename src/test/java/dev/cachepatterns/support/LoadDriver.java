package dev.cachepatterns.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;

import dev.cachepatterns.support.auth.Tokens;

/**
 * Drives HTTP load with bounded concurrency from the JDK's asynchronous client (no thread per request) and records
 * every request's status, latency and problem headers. A request that gets no answer within {@link #REQUEST_TIMEOUT}
 * is recorded with status -1, so a hang fails the latency assertions instead of the test run.
 */
public final class LoadDriver {

    public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    /** One request of the mix, with a label the assertions group by (e.g. "users.get"). */
    public record Call(String label, HttpRequest request) {}

    private final URI base;
    private final HttpClient client;

    public LoadDriver(URI base) {
        this.base = base;
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(REQUEST_TIMEOUT)
                .build();
    }

    public Call get(String label, String path) {
        return new Call(label, request(path).GET().build());
    }

    public Call post(String label, String path) {
        return new Call(
                label,
                request(path)
                        .header("Authorization", Tokens.bearerWriter())
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build());
    }

    public Call put(String label, String path, String json) {
        return new Call(
                label,
                request(path)
                        .header("Content-Type", "application/json")
                        .header("Authorization", Tokens.bearerWriter())
                        .PUT(HttpRequest.BodyPublishers.ofString(json))
                        .build());
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(base.resolve(path)).timeout(REQUEST_TIMEOUT);
    }

    /**
     * Starts {@code concurrency} request loops in the background; loop {@code n} sends {@code next.apply(n)} again as
     * soon as its previous request is answered, until {@link Running#stop()}.
     */
    public Running start(int concurrency, LongFunction<Call> next) {
        Running running = new Running(concurrency);
        AtomicLong sequence = new AtomicLong();
        for (int i = 0; i < concurrency; i++) {
            loop(running, next, sequence);
        }
        return running;
    }

    /** Sends every call at once and waits for all answers. */
    public Outcomes burst(List<Call> calls) {
        Queue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
        CompletableFuture<?>[] all =
                calls.stream().map(call -> send(call).thenAccept(outcomes::add)).toArray(CompletableFuture[]::new);
        CompletableFuture.allOf(all).join();
        return new Outcomes(List.copyOf(outcomes));
    }

    private void loop(Running running, LongFunction<Call> next, AtomicLong sequence) {
        if (running.stopped.get()) {
            running.loops.countDown();
            return;
        }
        send(next.apply(sequence.getAndIncrement())).thenAccept(outcome -> {
            running.outcomes.add(outcome);
            loop(running, next, sequence);
        });
    }

    private CompletableFuture<Outcome> send(Call call) {
        long start = System.nanoTime();
        return client.sendAsync(call.request(), HttpResponse.BodyHandlers.ofString())
                .handle((response, failure) -> {
                    long latency = System.nanoTime() - start;
                    if (failure != null) {
                        return new Outcome(call.label(), -1, start, latency, null, null, String.valueOf(failure));
                    }
                    return new Outcome(
                            call.label(),
                            response.statusCode(),
                            start,
                            latency,
                            response.headers().firstValue("Content-Type").orElse(null),
                            response.headers().firstValue("Retry-After").orElse(null),
                            response.body());
                });
    }

    /** Load running in the background. */
    public static final class Running {
        private final AtomicBoolean stopped = new AtomicBoolean();
        private final CountDownLatch loops;
        private final Queue<Outcome> outcomes = new ConcurrentLinkedQueue<>();

        private Running(int concurrency) {
            this.loops = new CountDownLatch(concurrency);
        }

        /** Outcomes recorded so far (the load keeps running). */
        public Outcomes soFar() {
            return new Outcomes(List.copyOf(outcomes));
        }

        /** Stops sending and waits for the requests in flight. */
        public Outcomes stop() {
            stopped.set(true);
            try {
                if (!loops.await(REQUEST_TIMEOUT.toSeconds() + 10, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("requests still in flight after the request time-out");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            return new Outcomes(List.copyOf(outcomes));
        }
    }
}
