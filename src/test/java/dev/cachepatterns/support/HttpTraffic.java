package dev.cachepatterns.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Steady HTTP load from a few threads, each sending the given requests in turn, one at a time. Every answer is
 * recorded with its status and latency; a request that gets no answer within the client time-out counts as hung.
 */
public final class HttpTraffic implements AutoCloseable {

    /** One answer (status -1: no answer, with the exception in {@code error}). */
    public record Outcome(String request, int status, long millis, long startedAtNanos, String error) {}

    private final HttpClient client;
    private final List<Supplier<HttpRequest>> requests;
    private final int threads;
    private final Duration hungAfter;
    private final Queue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicLong sent = new AtomicLong();
    private final List<Thread> workers = new ArrayList<>();

    public HttpTraffic(List<Supplier<HttpRequest>> requests, int threads, Duration hungAfter) {
        this.client = HttpClient.newBuilder().connectTimeout(hungAfter).build();
        this.requests = List.copyOf(requests);
        this.threads = threads;
        this.hungAfter = hungAfter;
    }

    public static HttpRequest.Builder request(URI base, String path) {
        return HttpRequest.newBuilder(base.resolve(path));
    }

    public HttpTraffic start() {
        running.set(true);
        for (int t = 0; t < threads; t++) {
            int offset = t;
            Thread worker = new Thread(() -> run(offset), "http-traffic-" + t);
            worker.setDaemon(true);
            workers.add(worker);
            worker.start();
        }
        return this;
    }

    private void run(int offset) {
        int i = offset;
        while (running.get()) {
            HttpRequest request = requests.get(i++ % requests.size()).get();
            String name = request.method() + " " + request.uri().getPath();
            long start = System.nanoTime();
            try {
                HttpResponse<String> response = client.send(
                        HttpRequest.newBuilder(request, (n, v) -> true)
                                .timeout(hungAfter)
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                outcomes.add(new Outcome(name, response.statusCode(), millisSince(start), start, null));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                outcomes.add(new Outcome(name, -1, millisSince(start), start, e.toString()));
            }
            sent.incrementAndGet();
        }
    }

    private static long millisSince(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }

    public long completed() {
        return sent.get();
    }

    public List<Outcome> outcomes() {
        return List.copyOf(outcomes);
    }

    @Override
    public void close() {
        running.set(false);
        for (Thread worker : workers) {
            try {
                worker.join(hungAfter.toMillis() + 5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
