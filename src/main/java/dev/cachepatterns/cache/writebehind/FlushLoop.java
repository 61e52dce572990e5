package dev.cachepatterns.cache.writebehind;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import org.jboss.logging.Logger;

/**
 * Runs one write-behind component: a Vert.x timer starts a cycle {@code flush-interval} after the previous one ended (so
 * two cycles never overlap, and sub-second intervals work, which {@code @Scheduled} does not allow). A cycle measures
 * the backlog, then flushes. At start it warns when Redis could lose accepted increments; at shutdown it drains what it
 * can within {@code shutdown-drain}.
 */
final class FlushLoop {

    private static final Logger LOG = Logger.getLogger(FlushLoop.class);

    private final WriteBehind component;
    private final WriteBehindSettings settings;
    private final Vertx vertx;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private volatile long timerId = -1;

    FlushLoop(WriteBehind component, WriteBehindSettings settings, Vertx vertx) {
        this.component = component;
        this.settings = settings;
        this.vertx = vertx;
    }

    /** Starts the loop once; later calls do nothing. */
    void start() {
        if (started.compareAndSet(false, true)) {
            warnIfNotDurable();
            scheduleNext();
        }
    }

    private void scheduleNext() {
        if (stopping.get()) {
            return;
        }
        timerId = vertx.setTimer(
                Math.max(1, settings.flushInterval().toMillis()),
                id -> cycle().subscribe().with(ignored -> scheduleNext(), failure -> {
                    LOG.warnf("%s: write-behind cycle failed: %s", component, failure.toString());
                    scheduleNext();
                }));
    }

    private Uni<Void> cycle() {
        if (stopping.get()) {
            return Uni.createFrom().voidItem();
        }
        // Measured before flushing: the gauges then show the backlog and lag the flusher finds, the figures to alert
        // on (measured after a cycle they would mostly read zero).
        return component
                .measure()
                .chain(() -> settings.flushEnabled()
                        ? component.flush().replaceWithVoid()
                        : Uni.createFrom().voidItem());
    }

    /**
     * Stops new cycles and runs a final drain, bounded by {@code shutdown-drain}. Blocking here is deliberate: shutdown
     * observers run on the main (or shutdown-hook) thread, never on an event loop, and the app must not exit first.
     */
    void stopAndDrain() {
        stopping.set(true);
        vertx.cancelTimer(timerId);
        if (!started.get() || !settings.flushEnabled()) {
            return;
        }
        try {
            FlushReport report = component
                    .drain(settings.shutdownDrain())
                    .await()
                    .atMost(settings.shutdownDrain().plusSeconds(1));
            LOG.infof("%s: final flush applied %d increments", component, report.applied());
        } catch (RuntimeException e) {
            LOG.warnf("%s: final flush did not finish (%s); the entries stay in Redis", component, e.toString());
        }
    }

    private void warnIfNotDurable() {
        component
                .durability()
                // The first Redis connection of a cold start can be slower than the call time-out.
                .onFailure()
                .retry()
                .withBackOff(Duration.ofMillis(500))
                .atMost(5)
                .subscribe()
                .with(
                        durability -> {
                            if (!durability.evictionSafe()) {
                                LOG.errorf(
                                        "%s: Redis maxmemory-policy is '%s': it may evict the write-behind stream and"
                                                + " lose accepted increments. Use noeviction or volatile-*.",
                                        component, durability.evictionPolicy());
                            }
                            if (!durability.appendOnly()) {
                                LOG.warnf(
                                        "%s: Redis runs without AOF: accepted but unflushed increments are lost if"
                                                + " Redis restarts. Enable appendonly (appendfsync always for zero"
                                                + " loss).",
                                        component);
                            }
                        },
                        failure -> LOG.warnf(
                                "%s: could not check Redis durability at start: %s", component, failure.toString()));
    }
}
