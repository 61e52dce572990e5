package dev.cachepatterns.cache.redis;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.core.Vertx;
import org.jboss.logging.Logger;

/**
 * One guarded Redis call: admitted by {@link Admission}, then timed from the moment it is sent, with its outcome
 * reported to the circuit breaker; a time-out that this process caused by stalling is not reported (see {@link
 * #expired}). Exactly one outcome reaches the caller: the reply, a failure, the time-out, local
 * congestion or the open circuit.
 */
final class GuardedCall<T> {

    private static final Logger LOG = Logger.getLogger(GuardedCall.class);

    /** What every call of one guard shares. */
    record Shared(
            Vertx vertx,
            long timeoutMillis,
            CircuitBreaker breaker,
            Admission admission,
            Timer success,
            Timer failure,
            Timer timeout,
            Counter congested,
            ProcessStalls stalls,
            Counter forgiven) {}

    private final Shared shared;
    private final Supplier<Uni<T>> command;
    private final UniEmitter<? super T> emitter;
    private final AtomicBoolean settled = new AtomicBoolean();
    private final AtomicBoolean slotReleased = new AtomicBoolean();
    private volatile boolean slotHeld;
    private volatile Admission.Ticket ticket;
    private volatile long timer = -1;
    private volatile long sentAt;

    GuardedCall(Shared shared, Supplier<Uni<T>> command, UniEmitter<? super T> emitter) {
        this.shared = shared;
        this.command = command;
        this.emitter = emitter;
    }

    void start() {
        emitter.onTermination(this::terminated);
        // Fail fast while open, without queueing; the half-open probe permission is taken once admitted.
        if (shared.breaker().state() == CircuitBreaker.State.OPEN) {
            if (settle()) {
                emitter.fail(new RedisUnavailableException("circuit open"));
            }
            return;
        }
        ticket = shared.admission().enter(this::send, this::congested);
    }

    private void send() {
        slotHeld = true;
        if (settled.get()) {
            releaseSlot();
            return;
        }
        if (!shared.breaker().tryAcquirePermission()) {
            if (settle()) {
                releaseSlot();
                emitter.fail(new RedisUnavailableException("circuit open"));
            }
            return;
        }
        sentAt = System.nanoTime();
        arm(0);
        Uni<T> call;
        try {
            call = command.get();
        } catch (RuntimeException e) {
            call = Uni.createFrom().failure(e);
        }
        call.subscribe()
                .with(
                        item -> {
                            if (settle()) {
                                shared.vertx().cancelTimer(timer);
                                releaseSlot();
                                shared.breaker().onSuccess();
                                shared.success().record(System.nanoTime() - sentAt, TimeUnit.NANOSECONDS);
                                emitter.complete(item);
                            }
                        },
                        failure -> {
                            if (settle()) {
                                shared.vertx().cancelTimer(timer);
                                releaseSlot();
                                shared.breaker().onFailure();
                                shared.failure().record(System.nanoTime() - sentAt, TimeUnit.NANOSECONDS);
                                LOG.debugf("Redis call failed: %s", failure);
                                emitter.fail(
                                        failure instanceof RedisUnavailableException
                                                ? failure
                                                : new RedisUnavailableException(failure));
                            }
                        });
    }

    // A Vert.x timer rather than Mutiny's ifNoItem(): it runs on the event loop, with no hop to a shared scheduler
    // thread on every cache read.
    private void arm(int extensions) {
        long armedAt = System.nanoTime();
        timer = shared.vertx().setTimer(shared.timeoutMillis(), id -> expired(armedAt, extensions));
    }

    /**
     * A time-out while this process was not running on time (this timer fired far past its deadline, or any event loop
     * ran late since it was armed) is no evidence against Redis: the reply may be waiting unread in a socket. Such a
     * call gets another time-out, up to {@link ProcessStalls#MAX_EXTENSIONS}; then the expiry counts as a Redis failure whatever
     * the cause, so a hung Redis still opens the circuit on a busy machine.
     */
    private void expired(long armedAt, int extensions) {
        if (settled.get()) {
            return;
        }
        long now = System.nanoTime();
        boolean stalled = shared.stalls().excuse(armedAt, TimeUnit.MILLISECONDS.toNanos(shared.timeoutMillis()), now);
        if (stalled && extensions < ProcessStalls.MAX_EXTENSIONS) {
            shared.forgiven().increment();
            arm(extensions + 1);
            return;
        }
        if (settle()) {
            releaseSlot();
            shared.breaker().onFailure();
            shared.timeout().record(now - sentAt, TimeUnit.NANOSECONDS);
            emitter.fail(new RedisUnavailableException("no reply within " + shared.timeoutMillis() + " ms"));
        }
    }

    private void congested(RedisCongestedException congestion) {
        if (settle()) {
            shared.congested().increment();
            emitter.fail(congestion);
        }
    }

    /** Runs on every termination; only a cancellation by the caller still finds the call unsettled. */
    private void terminated() {
        if (!settle()) {
            return;
        }
        Admission.Ticket queuedAt = ticket;
        if (queuedAt != null) {
            queuedAt.cancel();
        }
        if (timer != -1) {
            shared.vertx().cancelTimer(timer);
        }
        if (slotHeld) {
            releaseSlot();
            shared.breaker().onCancel();
        }
    }

    private boolean settle() {
        return settled.compareAndSet(false, true);
    }

    private void releaseSlot() {
        if (slotReleased.compareAndSet(false, true)) {
            shared.admission().release();
        }
    }
}
