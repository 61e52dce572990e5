package dev.cachepatterns.cache;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A lock-free circuit breaker: after {@code failureThreshold} consecutive failures it opens for {@code openForNanos},
 * then lets a single probe through (half-open); the probe's outcome closes or re-opens it. While open, callers skip
 * Redis entirely, so a dead Redis does not add its time-out to every request.
 */
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
    private final AtomicInteger consecutiveFailures = new AtomicInteger();
    private final AtomicLong openedAt = new AtomicLong(CLOSED_MARK);
    private final AtomicBoolean probeInFlight = new AtomicBoolean();

    private final Listener listener;

    /** Told when the circuit opens and when it closes again; called on the thread that caused the change. */
    public interface Listener {
        void opened();

        void closed();
    }

    public CircuitBreaker(int failureThreshold, long openForNanos, LongSupplier nanoClock, Listener listener) {
        this.failureThreshold = Math.max(1, failureThreshold);
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
        consecutiveFailures.set(0);
        probeInFlight.set(false);
        long opened = openedAt.get();
        if (opened != CLOSED_MARK && openedAt.compareAndSet(opened, CLOSED_MARK)) {
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
        if (consecutiveFailures.incrementAndGet() >= failureThreshold
                && openedAt.compareAndSet(CLOSED_MARK, nanoClock.getAsLong())) {
            listener.opened();
        }
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
