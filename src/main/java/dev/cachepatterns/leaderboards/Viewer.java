package dev.cachepatterns.leaderboards;

import java.util.List;

import io.smallrye.mutiny.subscription.MultiEmitter;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * One open stream of a board: its own {@code limit}, cut from the board the feed read with the largest limit, and sent
 * only when those entries changed. The emitter keeps only the latest board when the client is slow (back-pressure
 * strategy LATEST), so a slow viewer never holds back the feed or the other viewers.
 *
 * <p>A board is handed over on the stream's own Vert.x context (the event loop of its connection): a change seen by one
 * shared read becomes one small task per stream, spread over the event loops and interleaved with their I/O, instead of
 * thousands of writes in a row on the thread that got the read's reply (which stalled Redis replies and plain reads
 * there).
 */
final class Viewer {

    private final int limit;
    private final MultiEmitter<? super Leaderboard> emitter;
    private final Context context;
    private long seen;
    private List<LeaderboardEntry> sent;

    Viewer(int limit, MultiEmitter<? super Leaderboard> emitter) {
        this.limit = limit;
        this.emitter = emitter;
        this.context = Vertx.currentContext();
    }

    /** Runs {@code leave} once the stream ends (the client went away), also if it ended already. */
    void onEnd(Runnable leave) {
        emitter.onTermination(leave);
        if (emitter.isCancelled()) {
            leave.run();
        }
    }

    void offer(BoardFeed.Snapshot snapshot) {
        if (context == null || Vertx.currentContext() == context) {
            deliver(snapshot);
        } else {
            context.runOnContext(ignored -> deliver(snapshot));
        }
    }

    // Synchronized for a stream opened outside Vert.x (no context): then reads and the greeting can offer at once.
    private synchronized void deliver(BoardFeed.Snapshot snapshot) {
        if (snapshot.sequence() <= seen || emitter.isCancelled()) {
            return;
        }
        seen = snapshot.sequence();
        Leaderboard board = snapshot.board();
        List<LeaderboardEntry> entries = board.entries();
        List<LeaderboardEntry> top = entries.size() <= limit ? entries : entries.subList(0, limit);
        if (top.equals(sent)) {
            return;
        }
        sent = top;
        emitter.emit(new Leaderboard(board.board(), top, board.refreshedAt()));
    }
}
