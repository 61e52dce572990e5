package dev.cachepatterns.cache.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Vertx;

import dev.cachepatterns.cache.Internal;

/**
 * Notices when this process stops running its event loops on time (CPU starvation, a GC pause, a blocked loop): a tick
 * on every event loop every {@code TICK_MILLIS} records when one ran later than {@code thresholdNanos}, and how late
 * each loop has run in total. A Redis reply may then sit unread in a socket while its time-out fires, so a time-out
 * during a stall is no evidence against Redis.
 */
@Internal
public final class ProcessStalls {

    private static final long TICK_MILLIS = 10;
    private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(TICK_MILLIS);
    private static final long NEVER = Long.MIN_VALUE;

    /** A wait extended for a stalling process gets at most this many extra time-outs (then it counts). */
    public static final int MAX_EXTENSIONS = 3;

    /** How late every event loop had run, in total, at one moment; compare it with {@link #stalledSince(Reading)}. */
    public record Reading(long[] lateNanos) {}

    private final long thresholdNanos;
    private final AtomicLong lastStallAt = new AtomicLong(NEVER);
    private final List<Lateness> loops = new ArrayList<>();

    public ProcessStalls(Vertx vertx, long thresholdNanos) {
        this.thresholdNanos = thresholdNanos;
        long now = System.nanoTime();
        for (EventExecutor loop : vertx.nettyEventLoopGroup()) {
            Lateness lateness = new Lateness(now);
            loops.add(lateness);
            watch(loop, lateness, now);
        }
    }

    private void watch(EventExecutor loop, Lateness lateness, long scheduledAt) {
        if (loop.isShuttingDown()) {
            return;
        }
        try {
            loop.schedule(
                    () -> {
                        long now = System.nanoTime();
                        long late = now - scheduledAt - TICK_NANOS;
                        if (late > thresholdNanos) {
                            lastStallAt.accumulateAndGet(now, Math::max);
                        }
                        lateness.ticked(late, now);
                        watch(loop, lateness, now);
                    },
                    TICK_MILLIS,
                    TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException shuttingDown) {
            // Vert.x is closing.
        }
    }

    /**
     * The rule every time-out of the cache layer follows: a timer armed at {@code armedAt} for {@code timeoutNanos}
     * that fires at {@code now} is no evidence against what it waited for when it fired more than half its time-out
     * late, or when any event loop ran late since it was armed: the process was not running on time.
     */
    boolean excuse(long armedAt, long timeoutNanos, long now) {
        return now - armedAt - timeoutNanos > timeoutNanos / 2 || stalledSince(armedAt);
    }

    /** Whether an event loop ran late since {@code nanoTime} (a {@link System#nanoTime()} reading). */
    boolean stalledSince(long nanoTime) {
        long last = lastStallAt.get();
        return last != NEVER && last - nanoTime >= 0;
    }

    /** How late each event loop has run so far, a stall still going on included. */
    public Reading read() {
        long now = System.nanoTime();
        long[] late = new long[loops.size()];
        for (int i = 0; i < late.length; i++) {
            late[i] = loops.get(i).lateBy(now);
        }
        return new Reading(late);
    }

    /**
     * The longest that any one event loop was kept from running on time since {@code earlier} (a stall still going on
     * included): time in which this process could not have read a reply that was waiting for it.
     */
    public long stalledSince(Reading earlier) {
        long now = System.nanoTime();
        long longest = 0;
        for (int i = 0; i < loops.size(); i++) {
            longest = Math.max(longest, loops.get(i).lateBy(now) - earlier.lateNanos()[i]);
        }
        return longest;
    }

    /** One loop's lateness: the sum over its ticks of how late each ran, and when the last one ran. */
    private static final class Lateness {
        private long total;
        private long lastTickAt;

        Lateness(long start) {
            this.lastTickAt = start;
        }

        synchronized void ticked(long late, long now) {
            total += Math.max(0, late);
            lastTickAt = now;
        }

        // A tick that is overdue now counts already: a loop blocked at this moment has no tick to report it.
        synchronized long lateBy(long now) {
            return total + Math.max(0, now - lastTickAt - TICK_NANOS);
        }
    }
}
