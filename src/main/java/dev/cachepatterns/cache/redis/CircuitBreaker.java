package dev.cachepatterns.cache.redis;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import dev.cachepatterns.cache.Internal;

/**
 * A circuit breaker over a sliding window of the last {@code windowSize} calls: when {@code failureThreshold} of them
 * failed it opens for {@code openForNanos}, then lets a single probe through (half-open); the probe's outcome closes or
 * re-opens it. While open, callers skip Redis entirely, so a dead Redis does not add its time-out to every request.
 *
 * <p>A window rather than consecutive failures: a burst that queues hundreds of calls behind a busy event loop makes a
 * few of them time out together, and sending the whole burst to the database for that would make things worse. A dead
 * Redis fails every call, so it still opens the circuit after {@code failureThreshold} calls.
 */
@Internal
public final class CircuitBreaker {

    public enum State {
        CLOSED,
        OPEN,
        HALF_OPEN
    }

    private static final long CLOSED_MARK = Long.MIN_VALUE;

    private final int failureThreshold;
    private final long openForNanos;
    private final LongSupplier nanoClock;
    private final boolean[] window;
    private int windowNext;
    private int windowRecorded;
    private int windowFailures;
    private final AtomicLong openedAt = new AtomicLong(CLOSED_MARK);
    private final AtomicBoolean probeInFlight = new AtomicBoolean();

    private final Listener listener;

    /** Told when the circuit opens and when it closes again; called on the thread that caused the change. */
    public interface Listener {
        void opened();

        void closed();
    }

    public CircuitBreaker(
            int failureThreshold, int windowSize, long openForNanos, LongSupplier nanoClock, Listener listener) {
        this.window = new boolean[Math.max(1, windowSize)];
        this.failureThreshold = Math.max(1, Math.min(failureThreshold, window.length));
        this.openForNanos = openForNanos;
        this.nanoClock = nanoClock;
        this.listener = listener;
    }

    /** Whether a call may go ahead; in half-open state only one caller gets true until it reports back. */
    public boolean tryAcquirePermission() {
        long opened = openedAt.get();
        if (opened == CLOSED_MARK) {
            return true;
        }
        if (nanoClock.getAsLong() - opened < openForNanos) {
            return false;
        }
        return probeInFlight.compareAndSet(false, true);
    }

    public void onSuccess() {
        probeInFlight.set(false);
        long opened = openedAt.get();
        if (opened == CLOSED_MARK) {
            record(false);
        } else if (openedAt.compareAndSet(opened, CLOSED_MARK)) {
            clearWindow();
            listener.closed();
        }
    }

    public void onFailure() {
        if (openedAt.get() != CLOSED_MARK) {
            // A failed probe (or a straggler from before the circuit opened) keeps it open for another period.
            openedAt.set(nanoClock.getAsLong());
            probeInFlight.set(false);
            return;
        }
        if (record(true) && openedAt.compareAndSet(CLOSED_MARK, nanoClock.getAsLong())) {
            clearWindow();
            listener.opened();
        }
    }

    /** Records one outcome; true when the window now holds enough failures to open the circuit. */
    private synchronized boolean record(boolean failure) {
        if (windowRecorded == window.length) {
            if (window[windowNext]) {
                windowFailures--;
            }
        } else {
            windowRecorded++;
        }
        window[windowNext] = failure;
        if (failure) {
            windowFailures++;
        }
        windowNext = (windowNext + 1) % window.length;
        return windowFailures >= failureThreshold;
    }

    private synchronized void clearWindow() {
        java.util.Arrays.fill(window, false);
        windowNext = 0;
        windowRecorded = 0;
        windowFailures = 0;
    }

    /** A permitted call that was cancelled reports nothing; free the probe slot so the breaker cannot stick. */
    public void onCancel() {
        probeInFlight.set(false);
    }

    public State state() {
        long opened = openedAt.get();
        if (opened == CLOSED_MARK) {
            return State.CLOSED;
        }
        return nanoClock.getAsLong() - opened < openForNanos ? State.OPEN : State.HALF_OPEN;
    }
}
