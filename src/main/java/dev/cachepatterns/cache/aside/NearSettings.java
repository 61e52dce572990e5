package dev.cachepatterns.cache.aside;

import java.time.Duration;
import java.util.OptionalInt;

import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;

/**
 * The near tier of one cache-aside cache ({@code cache.<name>.near.*}): hits served from this JVM, kept coherent by
 * Redis invalidations ({@code docs/near-cache.md}). Off unless a cache's section switches it on.
 */
public interface NearSettings {

    /** What a cache that does not declare a {@code near} section gets: no near tier. */
    NearSettings OFF = new NearSettings() {
        @Override
        public boolean enabled() {
            return false;
        }

        @Override
        public MemoryBound maxMemory() {
            return MemoryBound.of("1%");
        }

        @Override
        public OptionalInt maxEntries() {
            return OptionalInt.empty();
        }

        @Override
        public Duration maxTtl() {
            return Duration.ZERO;
        }

        @Override
        public Duration heartbeat() {
            return Duration.ofSeconds(1);
        }

        @Override
        public Duration maxSilence() {
            return Duration.ofSeconds(5);
        }
    };

    /**
     * Serve hits from this JVM. Needs a Redis that tracks keys (6.0+, RESP3): one Redis, Sentinel's primary, or every
     * master of a Redis Cluster.
     */
    @WithDefault("false")
    boolean enabled();

    /**
     * The most heap the tier may take, as a size ({@code 64M}) or a share of the JVM's maximum heap ({@code 10%}): each
     * entry weighs its key's and value's bytes plus a measured per-entry overhead, so the weighed bytes ({@code
     * cache_near_bytes}) are close to the heap it takes. Beyond it the least valuable entries go first (Caffeine's
     * W-TinyLFU). A share keeps the default safe on any heap; all near tiers together above a quarter of the heap get a
     * warning at start.
     */
    @WithDefault("10%")
    @WithConverter(MemoryBound.Converter.class)
    MemoryBound maxMemory();

    /**
     * A second bound, on entries (values and absent markers): unset by default. When set, every entry weighs at least
     * {@code max-memory / max-entries}.
     */
    OptionalInt maxEntries();

    /**
     * Longest an entry is held, whatever happens; capped at the cache's TTL (and its negative TTL for absent markers).
     * Coherence does not depend on it: it bounds what a lost invalidation could cost.
     */
    @WithDefault("1m")
    Duration maxTtl();

    /**
     * How often the invalidation connection is asked a {@code ROLE} (and, on a Redis Cluster, its slot map read). An
     * answer lets the tier serve for two of these intervals from when it was asked (so an invalidation that cannot
     * arrive is outlived by at most that); a late one pauses serving without dropping anything; one from a replica
     * flushes the tier and reconnects.
     */
    @WithDefault("1s")
    Duration heartbeat();

    /**
     * How long a heartbeat may stay unanswered, not counting the time this process itself was stalled (CPU starvation,
     * GC, a busy event loop), before the connection is taken for dead: the tier is flushed and tracking starts again on
     * a new connection. Up to four times this whatever the cause. Also the deadline of a read of a cluster's slot map.
     */
    @WithDefault("5s")
    Duration maxSilence();
}
