package dev.cachepatterns.cache;

import java.time.Duration;

import io.smallrye.config.WithDefault;

/**
 * Settings of one cache. Each cache declares a {@code @ConfigMapping} interface that extends this one
 * under its own prefix ({@code cache.<name>}), so every cache has its own section in
 * {@code application.properties} and shares these documented defaults.
 */
public interface CacheSettings {

    /** Master switch: when false every read goes to the loader (useful as a kill switch and as a benchmark baseline). */
    @WithDefault("true")
    boolean enabled();

    /** Prefix of every Redis key of this cache; keys are {@code <prefix>:<id>}. */
    String keyPrefix();

    /** Time to live of a cached value. */
    @WithDefault("10m")
    Duration ttl();

    /**
     * Spread of the TTL as a fraction of it: each write lives {@code ttl × (1 ± jitter)}, so keys written
     * together do not expire together.
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

    /** After a write, load the new value into the cache at once instead of waiting for the next read. */
    @WithDefault("true")
    boolean rewarmOnWrite();
}
