package dev.cachepatterns.cache.writebehind;

import io.vertx.pgclient.PgException;
import org.jboss.logging.Logger;

/**
 * Tells transient flush failures (Postgres or Redis unavailable, time-outs, serialization conflicts, deadlocks) from
 * failures of the data itself, and backs off after transient ones: 200 ms, doubling, at most 5 s. A transient failure
 * never counts as a try of an entry, so an outage cannot dead-letter anything.
 */
final class FlushBackoff {

    private static final Logger LOG = Logger.getLogger(FlushBackoff.class);
    private static final long MAX_BACKOFF_MILLIS = 5_000;

    private final String name;
    private volatile long untilNanos = System.nanoTime();
    private volatile int failuresInRow;

    FlushBackoff(String name) {
        this.name = name;
    }

    /** Whether a flush should wait: a transient failure happened less than the back-off ago. */
    boolean active() {
        return System.nanoTime() - untilNanos < 0;
    }

    /** A flush went through: the next failure starts the back-off from its shortest step again. */
    void succeeded() {
        failuresInRow = 0;
    }

    /** Lets the next flush run at once (a drain at shutdown does not wait out a back-off). */
    void skip() {
        untilNanos = System.nanoTime();
    }

    void failed(Throwable failure) {
        int failures = Math.min(failuresInRow + 1, 16);
        failuresInRow = failures;
        long millis = Math.min(MAX_BACKOFF_MILLIS, 100L << Math.min(failures, 10));
        untilNanos = System.nanoTime() + millis * 1_000_000;
        if (failures == 1) {
            LOG.warnf("%s: flush deferred, will retry: %s", name, failure.toString());
        } else {
            LOG.debugf("%s: flush deferred again (%d in a row): %s", name, failures, failure.toString());
        }
    }

    /** Postgres or Redis unavailable, time-outs, conflicts: retried, never counted as a try of the entry. */
    static boolean isTransient(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof PgException pg) {
                String state = pg.getSqlState();
                return state == null
                        || state.startsWith("08")
                        || state.startsWith("53")
                        || state.startsWith("57")
                        || state.startsWith("58")
                        || state.equals("40001")
                        || state.equals("40P01");
            }
            if (t instanceof IllegalArgumentException
                    || t instanceof IllegalStateException
                    || t instanceof ArithmeticException
                    || t instanceof ClassCastException
                    || t instanceof NullPointerException) {
                return false;
            }
        }
        return true;
    }
}
