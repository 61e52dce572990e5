package dev.cachepatterns.leaderboards;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.inject.Inject;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import dev.cachepatterns.support.OwnRedisProfile;
import dev.cachepatterns.support.OwnRedisResource;
import dev.cachepatterns.support.RedisMonitor;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * 2,000 streams of one board (issue 19): the board is read once per stream-interval for all of them, counted by MONITOR
 * on a Redis of the test's own; every stream still gets the board at once and every change. Also reports, not asserts,
 * the latency of plain reads while the streams open.
 */
@QuarkusTest
@TestProfile(OwnRedisProfile.class)
class LeaderboardStreamFanOutTest {

    private static final int STREAMS = 2_000;

    @Inject
    MeterRegistry registry;

    @ConfigProperty(name = "cache.leaderboards.key-prefix")
    String keyPrefix;

    @ConfigProperty(name = "cache.leaderboards.stream-interval")
    Duration interval;

    @TestHTTPResource("/leaderboards")
    URI leaderboards;

    @Test
    void twoThousandStreamsOfABoardCostOneReadOfItPerInterval() throws Exception {
        String board = Boards.unique("fanout");
        for (int i = 1; i <= 12; i++) {
            Boards.submit(board, "p" + i, i);
        }
        String plain = Boards.unique("plain");
        Boards.submit(plain, "solo", 1);
        HttpClient client =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpClient prober =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<Long> before = plainReads(prober, plain, 200, new AtomicBoolean(true));

        List<SseStream> streams = new ArrayList<>(STREAMS);
        try {
            AtomicBoolean opening = new AtomicBoolean(true);
            List<Long> during = new ArrayList<>();
            Thread probe = new Thread(() -> during.addAll(plainReads(prober, plain, 20_000, opening)));
            probe.start();
            long started = System.nanoTime();
            for (int i = 0; i < STREAMS; i++) {
                // Limits 1 to 20: one shared read serves them all, each stream gets its own top N.
                int limit = 1 + i % 20;
                streams.add(SseStream.open(client, stream(board, limit)));
            }
            Awaitility.await("every stream has its first board")
                    .atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> streams.stream().allMatch(s -> !s.data().isEmpty()));
            long openedMillis = (System.nanoTime() - started) / 1_000_000;
            opening.set(false);
            probe.join();
            io.micrometer.core.instrument.Timer served = registry.find("http.server.requests")
                    .tag("uri", "/leaderboards/{board}")
                    .timer();
            if (served != null) {
                System.out.printf(
                        "server side, GET /leaderboards/{board}: count %d, max %.1f ms%n",
                        served.count(), served.max(java.util.concurrent.TimeUnit.MILLISECONDS));
            }
            List<RedisMonitor.Command> window;
            long windowMillis;
            double sharedReadsBefore = counter("leaderboard.stream.reads");
            try (RedisMonitor monitor =
                    RedisMonitor.start(OwnRedisResource.server().port())) {
                long windowStart = System.nanoTime();
                Boards.submit(board, "p1", 100);
                Awaitility.await("every stream has the new leader")
                        .atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(200))
                        .until(() -> streams.stream().allMatch(s -> s.data().size() == 2));
                // A few intervals more in which nothing changes: no further reads per stream, no events.
                Awaitility.await().pollDelay(interval.multipliedBy(5)).until(() -> true);
                window = monitor.drain();
                windowMillis = (System.nanoTime() - windowStart) / 1_000_000;
            }
            double sharedReads = counter("leaderboard.stream.reads") - sharedReadsBefore;
            for (SseStream s : streams) {
                assertThat(s.data()).hasSize(2);
                assertThat(s.lastData()).contains("{\"rank\":1,\"player\":\"p1\",\"score\":101}");
            }

            long intervals = Math.max(1, windowMillis / interval.toMillis());
            long topReads = window.stream().filter(c -> readsTheTop(c, board)).count();
            long touching = window.stream()
                    .filter(c -> !c.client().equals("lua"))
                    .filter(c -> c.args().stream().anyMatch(a -> a.contains(board)))
                    .count();
            System.out.printf(
                    "stream fan-out: %d streams of one board opened in %d ms; in %d ms (%d intervals): %d top reads of"
                            + " the board (%.0f shared reads counted), %d commands naming the board in all;"
                            + " plain GETs before: %s; while opening: %s%n",
                    STREAMS,
                    openedMillis,
                    windowMillis,
                    intervals,
                    topReads,
                    sharedReads,
                    touching,
                    summary(before),
                    summary(during));
            for (int i = 0; i < STREAMS; i++) {
                SseStream s = streams.get(i);
                assertThat(s.status()).isEqualTo(200);
                int limit = 1 + i % 20;
                // p12 leads with 12 points; the top N of each stream has min(N, 12) players.
                assertThat(s.data().get(0))
                        .contains("{\"rank\":1,\"player\":\"p12\",\"score\":12}")
                        .contains("\"rank\":" + Math.min(limit, 12) + ",")
                        .doesNotContain("\"rank\":" + (Math.min(limit, 12) + 1) + ",");
            }
            assertThat(gauge("leaderboard.streams.open")).isEqualTo(STREAMS);

            // One read per interval (plus the ticks at both ends of the window); 2,000 without the shared feed.
            assertThat(topReads).isBetween(1L, intervals + 2);
            assertThat(touching).isLessThan(intervals * 10 + 20);
        } finally {
            streams.forEach(SseStream::close);
        }
        Awaitility.await("closed streams are released, and the feed stops")
                .atMost(Duration.ofSeconds(30))
                .until(() -> gauge("leaderboard.streams.open") == 0 && gauge("leaderboard.stream.boards") == 0);
    }

    // A top read: the top script (EVALSHA sha 2 scores refreshed-at n) on the board's keys, sent by the service.
    private boolean readsTheTop(RedisMonitor.Command command, String board) {
        List<String> args = command.args();
        return !command.client().equals("lua")
                && (command.name().equals("EVALSHA") || command.name().equals("EVAL"))
                && args.size() == 6
                && args.get(3).equals(Boards.scoresKey(keyPrefix, board))
                && args.get(4).equals(Boards.refreshedAtKey(keyPrefix, board))
                && args.get(5).chars().allMatch(Character::isDigit);
    }

    private URI stream(String board, int limit) {
        return leaderboards.resolve("/leaderboards/" + board + "/stream?limit=" + limit);
    }

    // Plain GETs of another board, one after the other, while `go` holds (at most `max`); their latencies in µs.
    private List<Long> plainReads(HttpClient client, String board, int max, AtomicBoolean go) {
        List<Long> micros = new ArrayList<>();
        HttpRequest request = HttpRequest.newBuilder(leaderboards.resolve("/leaderboards/" + board + "?limit=10"))
                .build();
        AtomicLong failures = new AtomicLong();
        for (int i = 0; i < max && go.get(); i++) {
            long start = System.nanoTime();
            try {
                HttpResponse<String> reply = client.send(request, HttpResponse.BodyHandlers.ofString());
                if (reply.statusCode() != 200) {
                    failures.incrementAndGet();
                }
            } catch (Exception e) {
                failures.incrementAndGet();
            }
            micros.add((System.nanoTime() - start) / 1_000);
        }
        assertThat(failures.get()).as("plain reads that failed").isZero();
        return micros;
    }

    private static String summary(List<Long> micros) {
        List<Long> sorted = micros.stream().sorted().toList();
        if (sorted.isEmpty()) {
            return "none";
        }
        return String.format(
                "n=%d p50=%.1f ms p99=%.1f ms max=%.1f ms",
                sorted.size(),
                sorted.get(sorted.size() / 2) / 1000.0,
                sorted.get(Math.min(sorted.size() - 1, (int) (sorted.size() * 0.99))) / 1000.0,
                sorted.get(sorted.size() - 1) / 1000.0);
    }

    private double gauge(String name) {
        Gauge gauge = registry.find(name).gauge();
        return gauge == null ? -1 : gauge.value();
    }

    private double counter(String name) {
        return registry.find(name).tag("result", "success").counters().stream()
                .mapToDouble(Counter::count)
                .sum();
    }
}
