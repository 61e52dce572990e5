package dev.cachepatterns.bench;

import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import org.HdrHistogram.Histogram;

/**
 * An open-loop load generator for bench/run.sh: it sends requests at a fixed rate whether or not earlier ones have
 * answered, so a stalled server shows up in the percentiles instead of silently slowing the sender (coordinated
 * omission; wrk is closed-loop and hides it). A 1 ms tick issues every request that has come due; each latency runs
 * from the moment the request was issued, which includes any wait for a free connection, and the report gives the
 * largest gap between a request's due time and its issue (the generator's own lag: at most about one tick while it
 * keeps up).
 *
 * <p>Usage: {@code OpenLoopLoad url=http://127.0.0.1:8080/users/{id} ids=100000 rate=5000 duration=20 warmup=5
 * connections=64}. {@code {id}} is replaced by a uniformly random id in 1..ids. Prints one line of JSON. With
 * {@code rate=max} it runs closed-loop instead (each connection sends its next request when the previous one is
 * answered) and reports the throughput: the maximum this generator and the service reach together on this machine,
 * which the fixed rates are taken as shares of.
 */
public final class OpenLoopLoad {

    private OpenLoopLoad() {}

    public static void main(String[] args) throws InterruptedException {
        Map<String, String> options = new java.util.HashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            options.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        URI url = URI.create(options.get("url").replace("{id}", "0"));
        String pathTemplate = URI.create(options.get("url").replace("{id}", "ID-PLACEHOLDER"))
                .getRawPath()
                .replace("ID-PLACEHOLDER", "{id}");
        int ids = Integer.parseInt(options.getOrDefault("ids", "1"));
        if (options.get("rate").equals("max")) {
            closedLoop(url, pathTemplate, ids, options);
            return;
        }
        double rate = Double.parseDouble(options.get("rate"));
        int duration = Integer.parseInt(options.getOrDefault("duration", "20"));
        int warmup = Integer.parseInt(options.getOrDefault("warmup", "5"));
        int connections = Integer.parseInt(options.getOrDefault("connections", "64"));

        Vertx vertx = Vertx.vertx();
        HttpClient client = client(vertx, url, connections);

        Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        AtomicLong errors = new AtomicLong();
        AtomicLong maxLagNanos = new AtomicLong();
        AtomicLong completed = new AtomicLong();
        long total = (long) (rate * (warmup + duration));
        long measuredFrom = (long) (rate * warmup);
        CountDownLatch done = new CountDownLatch(1);
        long start = System.nanoTime();
        double intervalNanos = 1e9 / rate;
        long[] sent = {0};
        // A 1 ms tick sends every request that is due by now; each keeps its due time for the latency.
        vertx.setPeriodic(1, tick -> {
            long now = System.nanoTime();
            while (sent[0] < total && start + (long) (sent[0] * intervalNanos) <= now) {
                long index = sent[0]++;
                long due = start + (long) (index * intervalNanos);
                long issued = System.nanoTime();
                maxLagNanos.accumulateAndGet(issued - due, Math::max);
                String path = pathTemplate.replace(
                        "{id}", String.valueOf(1 + ThreadLocalRandom.current().nextInt(ids)));
                client.request(new RequestOptions().setMethod(HttpMethod.GET).setURI(path))
                        .compose(request -> request.send()
                                .compose(response -> response.body().map(body -> response.statusCode())))
                        .onComplete(result -> {
                            long latency = System.nanoTime() - issued;
                            if (index >= measuredFrom) {
                                if (result.succeeded() && result.result() < 400) {
                                    synchronized (histogram) {
                                        histogram.recordValue(Math.min(latency, histogram.getHighestTrackableValue()));
                                    }
                                } else {
                                    errors.incrementAndGet();
                                }
                            }
                            if (completed.incrementAndGet() == total) {
                                done.countDown();
                            }
                        });
            }
            if (sent[0] >= total) {
                vertx.cancelTimer(tick);
            }
        });
        boolean finished = done.await(warmup + duration + 60L, TimeUnit.SECONDS);
        double seconds = (System.nanoTime() - start) / 1e9;
        vertx.close();
        System.out.println(String.format(
                Locale.ROOT,
                "{\"rate\":%.0f,\"sent\":%d,\"completed\":%d,\"finished\":%b,\"seconds\":%.1f,\"errors\":%d,"
                        + "\"p50_ms\":%.3f,\"p90_ms\":%.3f,\"p99_ms\":%.3f,\"p999_ms\":%.3f,\"max_ms\":%.3f,"
                        + "\"max_issue_lag_ms\":%.3f}",
                rate,
                total,
                completed.get(),
                finished,
                seconds,
                errors.get(),
                millis(histogram.getValueAtPercentile(50)),
                millis(histogram.getValueAtPercentile(90)),
                millis(histogram.getValueAtPercentile(99)),
                millis(histogram.getValueAtPercentile(99.9)),
                millis(histogram.getMaxValue()),
                millis(maxLagNanos.get())));
    }

    private static void closedLoop(URI url, String pathTemplate, int ids, Map<String, String> options)
            throws InterruptedException {
        int duration = Integer.parseInt(options.getOrDefault("duration", "20"));
        int warmup = Integer.parseInt(options.getOrDefault("warmup", "5"));
        int connections = Integer.parseInt(options.getOrDefault("connections", "64"));
        Vertx vertx = Vertx.vertx();
        HttpClient client = client(vertx, url, connections);
        AtomicLong answered = new AtomicLong();
        long start = System.nanoTime();
        long measureFrom = start + TimeUnit.SECONDS.toNanos(warmup);
        long end = measureFrom + TimeUnit.SECONDS.toNanos(duration);
        CountDownLatch done = new CountDownLatch(connections);
        for (int i = 0; i < connections; i++) {
            vertx.runOnContext(ignored -> sendUntil(client, pathTemplate, ids, measureFrom, end, answered, done));
        }
        done.await(warmup + duration + 60L, TimeUnit.SECONDS);
        vertx.close();
        System.out.println(
                String.format(Locale.ROOT, "{\"rate\":\"max\",\"rps\":%.0f}", answered.get() / (double) duration));
    }

    private static void sendUntil(
            HttpClient client,
            String pathTemplate,
            int ids,
            long measureFrom,
            long end,
            AtomicLong answered,
            CountDownLatch done) {
        String path = pathTemplate.replace(
                "{id}", String.valueOf(1 + ThreadLocalRandom.current().nextInt(ids)));
        client.request(new RequestOptions().setMethod(HttpMethod.GET).setURI(path))
                .compose(request -> request.send().compose(response -> response.body()))
                .onComplete(result -> {
                    long now = System.nanoTime();
                    if (now >= measureFrom && now < end && result.succeeded()) {
                        answered.incrementAndGet();
                    }
                    if (now < end) {
                        sendUntil(client, pathTemplate, ids, measureFrom, end, answered, done);
                    } else {
                        done.countDown();
                    }
                });
    }

    // Keep-alive connections; requests beyond them wait in the pool's (unbounded) queue, inside the measured latency.
    private static HttpClient client(Vertx vertx, URI url, int connections) {
        return vertx.createHttpClient(
                new HttpClientOptions()
                        .setDefaultHost(url.getHost())
                        .setDefaultPort(url.getPort())
                        .setKeepAlive(true),
                new PoolOptions().setHttp1MaxSize(connections));
    }

    private static double millis(long nanos) {
        return nanos / 1e6;
    }
}
