package dev.cachepatterns.cache.refreshahead;

import java.util.concurrent.atomic.AtomicBoolean;

import io.vertx.mutiny.core.Vertx;
import org.jboss.logging.Logger;

/**
 * The schedule trigger of one refresh-ahead cache: a Vert.x timer starts a run {@code schedule-interval} after the
 * previous one ended, so runs never overlap and a slow run delays the next instead of piling up. Non-blocking.
 */
final class RefreshSchedule {

    private static final Logger LOG = Logger.getLogger(RefreshSchedule.class);

    private final String name;
    private final RankedSetCache cache;
    private final RefreshAheadSettings settings;
    private final Vertx vertx;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean stopped = new AtomicBoolean();
    private volatile long timerId = -1;

    RefreshSchedule(String name, RankedSetCache cache, RefreshAheadSettings settings, Vertx vertx) {
        this.name = name;
        this.cache = cache;
        this.settings = settings;
        this.vertx = vertx;
    }

    void start() {
        if (settings.enabled() && started.compareAndSet(false, true)) {
            scheduleNext();
        }
    }

    void stop() {
        stopped.set(true);
        vertx.cancelTimer(timerId);
    }

    private void scheduleNext() {
        if (stopped.get()) {
            return;
        }
        timerId = vertx.setTimer(
                Math.max(1, settings.scheduleInterval().toMillis()),
                id -> cache.refreshHot()
                        .subscribe()
                        .with(
                                count -> {
                                    if (count > 0) {
                                        LOG.debugf("%s: refreshed %d hot entries", name, count);
                                    }
                                    scheduleNext();
                                },
                                failure -> {
                                    LOG.debugf("%s: refresh run failed: %s", name, failure.toString());
                                    scheduleNext();
                                }));
    }
}
