package dev.cachepatterns.cache.redis;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Vertx;

/**
 * Notices when this process stops running its event loops on time (CPU starvation, a GC pause, a blocked loop): a tick
 * on every event loop every {@code TICK_MILLIS} records when one ran later than {@code thresholdNanos}. A Redis reply
 * may then sit unread in a socket while its time-out fires, so a time-out during a stall is no evidence against Redis.
 */
final class ProcessStalls {

    private static final long TICK_MILLIS = 10;
    private static final long NEVER = Long.MIN_VALUE;

    private final long thresholdNanos;
    private final AtomicLong lastStallAt = new AtomicLong(NEVER);

    ProcessStalls(Vertx vertx, long thresholdNanos) {
        this.thresholdNanos = thresholdNanos;
        for (EventExecutor loop : vertx.nettyEventLoopGroup()) {
            watch(loop, System.nanoTime());
        }
    }

    private void watch(EventExecutor loop, long scheduledAt) {
        if (loop.isShuttingDown()) {
            return;
        }
        try {
            loop.schedule(
                    () -> {
                        long now = System.nanoTime();
                        if (now - scheduledAt - TimeUnit.MILLISECONDS.toNanos(TICK_MILLIS) > thresholdNanos) {
                            lastStallAt.accumulateAndGet(now, Math::max);
                        }
                        watch(loop, now);
                    },
                    TICK_MILLIS,
                    TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException shuttingDown) {
            // Vert.x is closing.
        }
    }

    /** A wait extended for a stalling process gets at most this many extra time-outs (then it counts). */
    static final int MAX_EXTENSIONS = 3;

    /**
     * The rule every time-out of the cache layer follows: a timer armed at {@code armedAt} for {@code timeoutNanos}
     * that fires at {@code now} is no evidence against what it waited for when it fired more than half its time-out
     * late, or when any event loop ran late since it was armed: the process was not running on time.
     */
    boolean excuse(long armedAt, long timeoutNanos, long now) {
        return now - armedAt - timeoutNanos > timeoutNanos / 2 || stalledSince(armedAt);
    }

    /** Whether an event loop ran late since {@code nanoTime} (a {@link System#nanoTime()} reading), or is late now. */
    boolean stalledSince(long nanoTime) {
        long last = lastStallAt.get();
        return last != NEVER && last - nanoTime >= 0;
    }
}
