package dev.cachepatterns.leaderboards;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.BackPressureStrategy;

import dev.cachepatterns.platform.ProblemException;

/**
 * The boards' live streams on this instance. Every stream of a board is fed by one shared read of it per {@code
 * stream-interval} ({@link BoardFeed}, read with the largest limit and cut per stream), so N viewers cost one Redis read
 * per board and interval instead of N. Each look is a read, so a watched board stays hot for refresh-ahead. At most
 * {@code stream-max-open} streams are open at once; one more is refused with a 503 before it starts.
 *
 * <p>Metrics: {@code leaderboard_streams_open}, {@code leaderboard_stream_boards} (boards with a running feed), {@code
 * leaderboard_stream_reads_total{result}} (the shared reads), {@code leaderboard_streams_rejected_total}.
 */
@Startup // so the gauges exist from the start, not from the first stream
@ApplicationScoped
public class LeaderboardStreams {

    private final LeaderboardService leaderboards;
    private final LeaderboardsCacheConfig config;
    private final ConcurrentMap<String, BoardFeed> feeds = new ConcurrentHashMap<>();
    private final AtomicInteger open = new AtomicInteger();
    private final Counter reads;
    private final Counter failedReads;
    private final Counter rejected;

    public LeaderboardStreams(LeaderboardService leaderboards, LeaderboardsCacheConfig config, MeterRegistry registry) {
        this.leaderboards = leaderboards;
        this.config = config;
        Gauge.builder("leaderboard.streams.open", open, AtomicInteger::get)
                .description("Server-sent-events streams of leaderboards open on this instance")
                .register(registry);
        Gauge.builder("leaderboard.stream.boards", feeds, ConcurrentMap::size)
                .description("Boards with at least one open stream: each is read once per stream-interval")
                .register(registry);
        this.reads = readCounter(registry, "success");
        this.failedReads = readCounter(registry, "failure");
        this.rejected = Counter.builder("leaderboard.streams.rejected")
                .description("Streams refused with 503 because stream-max-open streams were open")
                .register(registry);
    }

    private static Counter readCounter(MeterRegistry registry, String result) {
        return Counter.builder("leaderboard.stream.reads")
                .description("Shared reads of a watched board, one per board and stream-interval")
                .tag("result", result)
                .register(registry);
    }

    /**
     * The board's top {@code limit} now (or at the board's next read) and then whenever it changes. Throws a 503 problem
     * at once when {@code stream-max-open} streams are open, so the refusal is a plain response and not a broken
     * stream; the slot taken here is given back when the returned stream ends or is cancelled, so it must be
     * subscribed (RESTEasy subscribes to a resource's Multi right away).
     */
    public Multi<Leaderboard> watch(String board, int limit) {
        if (open.incrementAndGet() > config.streamMaxOpen()) {
            open.decrementAndGet();
            rejected.increment();
            throw ProblemException.unavailable(
                    "This instance has " + config.streamMaxOpen() + " streams open, its limit; retry shortly.",
                    (int) Math.max(1, config.streamRetryAfter().toSeconds()));
        }
        return Multi.createFrom()
                .<Leaderboard>emitter(emitter -> join(board, new Viewer(limit, emitter)), BackPressureStrategy.LATEST)
                .onTermination()
                .invoke(open::decrementAndGet);
    }

    private void join(String board, Viewer viewer) {
        BoardFeed feed = feeds.compute(board, (name, running) -> {
            BoardFeed joined =
                    running != null ? running : new BoardFeed(name, config.streamInterval(), () -> read(name));
            joined.add(viewer);
            return joined;
        });
        viewer.onEnd(() -> leave(feed, viewer));
        feed.greet(viewer);
    }

    private void leave(BoardFeed feed, Viewer viewer) {
        feeds.computeIfPresent(
                feed.board(), (name, running) -> running == feed && feed.remove(viewer) ? null : running);
    }

    // Always the largest limit: one read serves every stream of the board, whatever limit each asked for.
    private Uni<Leaderboard> read(String board) {
        return leaderboards
                .top(board, config.maxLimit())
                .invoke(() -> reads.increment())
                .onFailure()
                .invoke(() -> failedReads.increment())
                .onFailure()
                .recoverWithNull();
    }
}
