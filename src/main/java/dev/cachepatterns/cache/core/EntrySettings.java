package dev.cachepatterns.cache.core;

import java.time.Duration;

import io.smallrye.config.WithDefault;

/**
 * What every cache of single entries loaded on a miss shares (cache-aside and write-through): key naming, TTLs and the
 * stampede lock. Each strategy's settings extend it, and each cache declares a {@code @ConfigMapping} interface that
 * extends those under its own prefix ({@code cache.<name>}), so it has its own section in
 * {@code application.properties} with these documented defaults.
 */
public interface EntrySettings {

    /** Master switch: when false every read goes to the loader (useful as a kill switch and as a benchmark baseline). */
    @WithDefault("true")
    boolean enabled();

    /** Prefix of every Redis key of this cache; entries are at {@code <prefix>:<id>}. */
    String keyPrefix();

    /** Time to live of a cached value. */
    @WithDefault("10m")
    Duration ttl();

    /**
     * Spread of the TTL as a fraction of it: each write lives {@code ttl × (1 ± jitter)}, so keys written together do
     * not expire together.
     */
    @WithDefault("0.1")
    double ttlJitter();

    /** Time to live of an "absent" marker, so repeated reads of a missing row do not reach the database. */
    @WithDefault("30s")
    Duration negativeTtl();

    /** Lease of the cross-instance load lock; it expires by itself if its owner dies. */
    @WithDefault("5s")
    Duration lockLease();

    /** How long a request waits for another instance's load before it loads by itself. */
    @WithDefault("1s")
    Duration lockWait();
}
