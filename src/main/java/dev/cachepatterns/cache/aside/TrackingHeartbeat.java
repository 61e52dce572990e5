package dev.cachepatterns.cache.aside;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import dev.cachepatterns.cache.redis.ProcessStalls;

/**
 * The heartbeat of one tracking connection, judged the way the cache layer judges its other time-outs ({@link
 * ProcessStalls}): a late answer is no evidence that invalidations were missed, because the pushes and the answer travel
 * on the same connection, in order. So a heartbeat only proves, once answered, that every push Redis sent before it
 * has been applied; and a connection is taken for dead only when a heartbeat stays unanswered for {@code maxSilence}
 * of the time this process could run (the wait minus the longest event-loop stall during it), or for {@link
 * ProcessStalls#MAX_EXTENSIONS} more than that whatever the cause. One heartbeat is in flight at a time.
 */
final class TrackingHeartbeat {

    /** A heartbeat sent at {@code at} (a {@link System#nanoTime()} reading) and not answered yet. */
    record Sent(long at, ProcessStalls.Reading stalls) {}

    private final ProcessStalls stalls;
    private final long silenceNanos;
    private final long hardLimitNanos;
    private final AtomicReference<Sent> unanswered = new AtomicReference<>();

    TrackingHeartbeat(ProcessStalls stalls, Duration maxSilence) {
        this.stalls = stalls;
        this.silenceNanos = maxSilence.toNanos();
        this.hardLimitNanos = silenceNanos * (1 + ProcessStalls.MAX_EXTENSIONS);
    }

    /** A heartbeat to send now, or null while the previous one is unanswered. */
    Sent next() {
        Sent sent = new Sent(System.nanoTime(), stalls.read());
        return unanswered.compareAndSet(null, sent) ? sent : null;
    }

    /** The heartbeat sent and not answered yet, or null. */
    Sent awaited() {
        return unanswered.get();
    }

    /** Records the answer to {@code sent}; false if it was answered already. */
    boolean answered(Sent sent) {
        return unanswered.compareAndSet(sent, null);
    }

    /** Whether the unanswered heartbeat has been silent for longer than any stall of this process explains. */
    boolean silentTooLong() {
        Sent sent = unanswered.get();
        if (sent == null) {
            return false;
        }
        long silence = System.nanoTime() - sent.at();
        return silence - stalls.stalledSince(sent.stalls()) > silenceNanos || silence > hardLimitNanos;
    }
}
