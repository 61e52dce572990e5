package dev.cachepatterns.cache.core;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Bounds on every Postgres call that a request waits for (loads, writes, synchronous write-behind fallbacks). */
@ConfigMapping(prefix = "cache.source")
public interface SourceConfig {

    /**
     * Longest a request waits for one Postgres call: for a pooled connection, then for the answer. Past it the caller
     * gets a 503 with Retry-After; a query still running is cancelled and its session ended, its connection not reused.
     */
    @WithDefault("3s")
    Duration deadline();

    /**
     * Postgres' own {@code statement_timeout} on the pool's connections: the second line, which ends a statement on the
     * server even when this service lost its connection or died. Keep it above {@link #deadline()} and above
     * {@code write-behind.*.flush-timeout}; 0 turns it off.
     */
    @WithDefault("10s")
    Duration statementTimeout();

    /**
     * Calls that may wait for a pooled connection at once; the next one is answered 503 at once instead of queueing. -1
     * leaves the pool's queue unbounded (in time it is still bounded by {@link #deadline()}).
     */
    @WithDefault("256")
    int maxWaiting();

    /**
     * A pooled connection on which Postgres sends nothing for this long is closed (Vert.x' read-idle time-out): it
     * bounds how long a call abandoned at its deadline keeps its connection out of the pool when Postgres never answers
     * it (a host gone without a reset, e.g. after a fail-over). Idle pooled connections are closed after it too and
     * reopened on demand. Keep it above {@link #statementTimeout()} and every {@code flush-timeout}; 0 turns it off.
     */
    @WithDefault("30s")
    Duration readIdleTimeout();
}
