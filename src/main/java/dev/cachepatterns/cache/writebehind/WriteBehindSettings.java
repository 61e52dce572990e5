package dev.cachepatterns.cache.writebehind;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.WithDefault;

/**
 * Settings of one write-behind component. Each user declares a {@code @ConfigMapping} interface that extends this one
 * under its own prefix ({@code write-behind.<name>}), so every component has its own section in
 * {@code application.properties} and shares these documented defaults.
 */
public interface WriteBehindSettings {

    /** What to do with an increment when the backlog is at {@link #maxBacklog()}. */
    enum Overflow {
        /** Answer 503 with Retry-After: the caller retries later, nothing is accepted that could not be queued. */
        REJECT,
        /** Write the increment to Postgres at once (slower, but the caller never sees an error). */
        SYNCHRONOUS
    }

    /**
     * Prefix of every Redis key of this component. It must contain a hash tag (e.g. {@code cp:wb:{articles}}) so the
     * stream, the pending counters, the failure counts and the dead-letter stream live in one cluster slot and the Lua
     * scripts that touch them together stay valid on a Redis Cluster.
     */
    String keyPrefix();

    /** Entries read from the stream and applied to Postgres in one transaction. */
    @WithDefault("500")
    int batchSize();

    /** Pause between flush cycles. The scheduler reads the same key. */
    @WithDefault("1s")
    Duration flushInterval();

    /** Batches one cycle may apply back to back while the stream still holds full batches. */
    @WithDefault("20")
    int maxBatchesPerCycle();

    /** Set to false to stop flushing (increments are still accepted and queue up to the backlog bound). */
    @WithDefault("true")
    boolean flushEnabled();

    /** Accepted but unflushed entries at which {@link #overflow()} applies. Bounds Redis memory. */
    @WithDefault("100000")
    long maxBacklog();

    /** Behaviour when the backlog is full. */
    @WithDefault("reject")
    Overflow overflow();

    /** Retry-After sent with a 503 when the backlog is full. */
    @WithDefault("1s")
    Duration retryAfter();

    /** Times an entry may fail to apply (for a reason other than an unavailable database) before it is dead-lettered. */
    @WithDefault("5")
    int maxTries();

    /** Name of the Redis consumer group shared by all instances. */
    @WithDefault("flushers")
    String consumerGroup();

    /** Consumer name of this instance; defaults to host name, pid and a random suffix. */
    Optional<String> consumerName();

    /** Entries pending this long at another (e.g. crashed) consumer are claimed by this one. Keep above flush-timeout. */
    @WithDefault("30s")
    Duration claimIdle();

    /** Longest one batch transaction may take; a batch that times out is retried (the ledger prevents doubles). */
    @WithDefault("10s")
    Duration flushTimeout();

    /**
     * How long the ledger of applied entry ids is kept in Postgres. Exactly-once holds as long as an applied entry is
     * acknowledged in Redis within this time, so keep it above the longest Redis outage you plan to survive.
     */
    @WithDefault("24h")
    Duration ledgerRetention();

    /** Bound of the final flush at shutdown. */
    @WithDefault("5s")
    Duration shutdownDrain();

    /**
     * When true, readiness reports DOWN while Redis runs with a {@code maxmemory-policy} that may evict keys without a
     * TTL ({@code allkeys-*}): such a Redis could silently drop accepted increments. Relax only for throw-away setups.
     */
    @WithDefault("true")
    boolean requireSafeEvictionPolicy();
}
