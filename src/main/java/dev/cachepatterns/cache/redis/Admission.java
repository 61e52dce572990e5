package dev.cachepatterns.cache.redis;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import io.vertx.core.Vertx;

/**
 * Keeps the cache layer's Redis calls in flight below the client's pooled connections. The Vert.x client lends a
 * connection to one command at a time, so a burst beyond the pool waits in the client's queue, inside the call's
 * time-out, and a busy start would count that local wait as Redis failing and open the circuit. Here the wait happens
 * before the call is timed: a call waits at most {@code queue-timeout} for a slot, then fails as congestion, which the
 * circuit breaker ignores. FIFO: a released slot goes to the oldest waiter.
 */
final class Admission {

    private final int maxInFlight;
    private final int maxQueued;
    private final long queueTimeoutMillis;
    private final Vertx vertx;
    private final ProcessStalls stalls;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger queued = new AtomicInteger();
    private final ConcurrentLinkedQueue<Waiter> waiters = new ConcurrentLinkedQueue<>();

    Admission(int maxInFlight, int maxQueued, long queueTimeoutMillis, Vertx vertx, ProcessStalls stalls) {
        this.maxInFlight = Math.max(1, maxInFlight);
        this.maxQueued = Math.max(0, maxQueued);
        this.queueTimeoutMillis = Math.max(1, queueTimeoutMillis);
        this.vertx = vertx;
        this.stalls = stalls;
    }

    /** A place in the queue; {@link #cancel} gives it up (the caller went away before it was admitted). */
    interface Ticket {
        void cancel();
    }

    /**
     * Runs {@code admitted} once a slot is free (at once when one is), or calls {@code refused} when the queue is full
     * or the wait passed {@code queue-timeout}. Exactly one of them runs, unless the ticket is cancelled first. The
     * admitted caller must {@link #release} its slot once its call settled.
     */
    Ticket enter(Runnable admitted, Consumer<RedisCongestedException> refused) {
        if (tryAcquire()) {
            admitted.run();
            return () -> {};
        }
        if (queued.incrementAndGet() > maxQueued) {
            queued.decrementAndGet();
            refused.accept(new RedisCongestedException(maxQueued + " Redis calls already wait for a connection"));
            return () -> {};
        }
        Waiter waiter = new Waiter(admitted);
        armQueueTimer(waiter, refused, 0);
        waiters.add(waiter);
        // A slot may have been released between the failed tryAcquire and the add.
        drain();
        return () -> {
            if (waiter.claim()) {
                vertx.cancelTimer(waiter.timer);
            }
        };
    }

    /**
     * A wait that ran out while this process stalled (see {@link ProcessStalls}) waited for CPU, not for Redis: it is
     * extended, at most {@link ProcessStalls#MAX_EXTENSIONS} times, so a starved start keeps its calls on Redis; a full queue still
     * refuses at once, which keeps a storm's overflow fast.
     */
    private void armQueueTimer(Waiter waiter, Consumer<RedisCongestedException> refused, int extensions) {
        long armedAt = System.nanoTime();
        waiter.timer = vertx.setTimer(queueTimeoutMillis, id -> {
            if (waiter.claimed.get()) {
                return;
            }
            long timeoutNanos = TimeUnit.MILLISECONDS.toNanos(queueTimeoutMillis);
            if (stalls.excuse(armedAt, timeoutNanos, System.nanoTime()) && extensions < ProcessStalls.MAX_EXTENSIONS) {
                armQueueTimer(waiter, refused, extensions + 1);
                return;
            }
            if (waiter.claim()) {
                refused.accept(new RedisCongestedException(
                        "no Redis connection free within " + queueTimeoutMillis + " ms (local congestion)"));
            }
        });
    }

    /** Gives back the slot of an admitted call and admits the oldest waiter, if any. */
    void release() {
        inFlight.decrementAndGet();
        drain();
    }

    int inFlight() {
        return inFlight.get();
    }

    int queued() {
        return queued.get();
    }

    private void drain() {
        while (!waiters.isEmpty() && tryAcquire()) {
            Waiter next = waiters.poll();
            if (next != null && next.claim()) {
                vertx.cancelTimer(next.timer);
                next.admitted.run();
            } else {
                // Timed out or cancelled meanwhile: hand the slot on.
                inFlight.decrementAndGet();
            }
        }
    }

    private boolean tryAcquire() {
        while (true) {
            int current = inFlight.get();
            if (current >= maxInFlight) {
                return false;
            }
            if (inFlight.compareAndSet(current, current + 1)) {
                return true;
            }
        }
    }

    private final class Waiter {
        final Runnable admitted;
        final AtomicBoolean claimed = new AtomicBoolean();
        volatile long timer;

        Waiter(Runnable admitted) {
            this.admitted = admitted;
        }

        /** True for the one party (slot, time-out or cancel) that takes this waiter out of the queue. */
        boolean claim() {
            if (claimed.compareAndSet(false, true)) {
                queued.decrementAndGet();
                return true;
            }
            return false;
        }
    }
}
