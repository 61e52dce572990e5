package dev.cachepatterns.leaderboards;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;

/**
 * One board's shared look for all its streams on this instance: while the board has viewers, it is read once per
 * {@code stream-interval} and every viewer gets the result, so a board costs one read per interval however many watch
 * it. Started by the first viewer and stopped by the last; {@link LeaderboardStreams} calls {@link #add} and {@link
 * #remove} only under its map's lock for this board, which is what orders starting and stopping.
 */
final class BoardFeed {

    /** One result of the shared read; the sequence lets a viewer ignore a result older than one it has. */
    record Snapshot(long sequence, Leaderboard board) {}

    private final String board;
    private final Duration interval;
    private final Supplier<Uni<Leaderboard>> read;
    private final Set<Viewer> viewers = ConcurrentHashMap.newKeySet();
    private final AtomicLong sequence = new AtomicLong();
    private volatile Snapshot latest;
    private volatile Cancellable looking;

    /** {@code read} never fails: a look that fails yields null and is skipped. */
    BoardFeed(String board, Duration interval, Supplier<Uni<Leaderboard>> read) {
        this.board = board;
        this.interval = interval;
        this.read = read;
    }

    String board() {
        return board;
    }

    void add(Viewer viewer) {
        viewers.add(viewer);
        if (looking == null) {
            looking = look();
        }
    }

    /** Removes the viewer; true when it was the last one, and then the feed has stopped. Idempotent. */
    boolean remove(Viewer viewer) {
        if (!viewers.remove(viewer) || !viewers.isEmpty()) {
            return false;
        }
        Cancellable running = looking;
        looking = null;
        if (running != null) {
            running.cancel();
        }
        return true;
    }

    /** A viewer that joins a running feed gets the last result at once, not one interval later. */
    void greet(Viewer viewer) {
        Snapshot last = latest;
        if (last != null) {
            viewer.offer(last);
        }
    }

    private Cancellable look() {
        // Ticks that come while a read still runs are dropped: reads of one board never overlap.
        return Multi.createFrom()
                .ticks()
                .startingAfter(Duration.ofMillis(1))
                .every(interval)
                .onOverflow()
                .drop()
                .onItem()
                .transformToUniAndConcatenate(tick -> read.get())
                .subscribe()
                .with(this::publish);
    }

    private void publish(Leaderboard current) {
        Snapshot snapshot = new Snapshot(sequence.incrementAndGet(), current);
        latest = snapshot;
        for (Viewer viewer : viewers) {
            viewer.offer(snapshot);
        }
    }
}
