package dev.cachepatterns.cache;

import java.time.Duration;

import io.smallrye.config.WithDefault;

/**
 * Settings of one write-through cache. Each cache declares a {@code @ConfigMapping} interface that extends this one under
 * its own prefix ({@code cache.<name>}), so it has its own section in {@code application.properties} and shares these
 * documented defaults.
 */
public interface WriteThroughSettings {

    /**
     * Master switch: when false, reads go to the loader and writes only to the source (a kill switch and the benchmark
     * baseline). Turning it back on is only safe after the entries written meanwhile have expired or been removed.
     */
    @WithDefault("true")
    boolean enabled();

    /** Prefix of every Redis key of this cache; entries are hashes at {@code <prefix>:<id>}. */
    String keyPrefix();

    /**
     * Time to live of an entry. Write-through keeps entries current, so the TTL only bounds memory (cold keys leave) and
     * the longest time an entry can stay untrusted after an overflow of the untrusted-key list.
     */
    @WithDefault("10m")
    Duration ttl();

    /** Spread of the TTL as a fraction of it ({@code ttl × (1 ± jitter)}), so keys written together expire apart. */
    @WithDefault("0.1")
    double ttlJitter();

    /** Time to live of an "absent" entry, so repeated reads of an unknown id do not reach the database. */
    @WithDefault("30s")
    Duration negativeTtl();

    /** Lease of the cross-instance load lock taken on a read miss; it expires by itself if its owner dies. */
    @WithDefault("5s")
    Duration lockLease();

    /** How long a read miss waits for another instance's load before it loads by itself. */
    @WithDefault("1s")
    Duration lockWait();

    /**
     * Keys this instance remembers as untrusted (a committed write whose Redis update and invalidation both failed).
     * Beyond it the whole cache is bypassed for reads until one TTL has passed, when every older entry has expired.
     */
    @WithDefault("10000")
    int maxUntrustedKeys();
}
