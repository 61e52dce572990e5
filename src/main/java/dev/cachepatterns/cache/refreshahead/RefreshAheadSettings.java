package dev.cachepatterns.cache.refreshahead;

import java.time.Duration;

import io.smallrye.config.WithDefault;

/**
 * Settings of one refresh-ahead cache. A cache declares a {@code @ConfigMapping} interface that extends this one under
 * its own prefix ({@code cache.<name>}), so it gets its own section in {@code application.properties} with these
 * documented defaults.
 */
public interface RefreshAheadSettings {

    /** Master switch: when false every read goes to the source (a kill switch and the benchmark baseline). */
    @WithDefault("true")
    boolean enabled();

    /** Prefix of every Redis key of this cache; per-entry keys are {@code <prefix>:{<id>}:<part>}. */
    String keyPrefix();

    /** Time to live of a built entry; refresh-ahead keeps hot entries from ever reaching it. */
    @WithDefault("10m")
    Duration ttl();

    /**
     * A read that finds less than {@code ttl × fraction} left starts a background refresh (and still answers from the
     * current entry). Must be in (0, 1).
     */
    @WithDefault("0.1")
    double refreshAheadFraction();

    /**
     * Time to live of an entry without members (a name nobody has scored on), read as {@code negative_hit}: short, so
     * that names nobody uses cost at most {@code rate × empty-ttl} keys. A first score on it is cached at once and the
     * entry gets the full TTL at its next rebuild.
     */
    @WithDefault("30s")
    Duration emptyTtl();

    /**
     * How often the refresh job looks at the hot entries. It refreshes an entry whose remaining TTL is under {@code ttl
     * × fraction + schedule-interval}, so the next run can never be too late.
     */
    @WithDefault("5s")
    Duration scheduleInterval();

    /** An entry counts as hot for this long after its last read; entries nobody reads are left to expire. */
    @WithDefault("5m")
    Duration hotWindow();

    /**
     * Lease of the cross-instance rebuild lock. A rebuild that takes longer loses its lock and is discarded (another
     * instance may rebuild), so keep it well above the slowest rebuild.
     */
    @WithDefault("30s")
    Duration lockLease();

    /** Most hot entries one run of the refresh job looks at. */
    @WithDefault("500")
    int maxHotPerRun();
}
