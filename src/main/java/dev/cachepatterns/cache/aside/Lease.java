package dev.cachepatterns.cache.aside;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What one tracking connection vouches for ({@link KeyTracking}): while it is live, Redis pushes the invalidations of
 * its node's keys, so replies may be kept; and until {@link #extend} last moved it (the sending of its last answered
 * heartbeat plus the lease), every push sent before has been applied, so what is kept may be served. The view of a
 * cluster's topology has one too ({@link ClusterTracking}).
 */
final class Lease {

    private final AtomicLong servingUntil = new AtomicLong();
    private volatile boolean live;

    /** Invalidations arrive from now on; entries may be served until {@code until} (a {@link System#nanoTime()}). */
    void goLive(long until) {
        servingUntil.set(until);
        live = true;
    }

    /** Invalidations may be missed from now on. */
    void goDark() {
        live = false;
    }

    /** Serve until {@code until} unless it is later already; false when that moment has passed (an answer too late). */
    boolean extend(long until) {
        long now = System.nanoTime();
        servingUntil.accumulateAndGet(until, (held, offered) -> offered - held > 0 ? offered : held);
        return until - now > 0;
    }

    boolean live() {
        return live;
    }

    /** Live and within the lease. */
    boolean serving() {
        return live && System.nanoTime() - servingUntil.get() < 0;
    }
}
