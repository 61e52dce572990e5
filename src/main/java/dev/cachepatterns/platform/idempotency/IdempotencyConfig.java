package dev.cachepatterns.platform.idempotency;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The {@code idempotency.*} section: how long first outcomes are kept and how long an attempt may hold its key. */
@ConfigMapping(prefix = "idempotency")
public interface IdempotencyConfig {

    /**
     * How long the first outcome of a request with an {@code Idempotency-Key} is kept, in Redis and (for the writes
     * that record their key in Postgres) in the table {@code idempotency_keys}. A retry within it gets the first answer;
     * after it the key is new again. Redis holds one entry per key for this long (about 200 bytes plus the body).
     */
    @WithDefault("24h")
    Duration retention();

    /**
     * How long an attempt holds its key while it runs. A duplicate sent meanwhile gets 409 "in progress". Longer than
     * any attempt can take (the Postgres deadline, {@code cache.source.deadline}, plus a few Redis time-outs): if it ran
     * out while the first attempt still ran, a duplicate could start. An attempt whose instance died frees its key when
     * the lease ends.
     */
    @WithDefault("30s")
    Duration lease();

    /** Redis key prefix of the entries; one per principal and key ({@code <prefix>:<sha-256>}). */
    @WithDefault("cp:idem")
    String keyPrefix();

    /** Longest accepted key, in characters; a longer one is a 400. */
    @WithDefault("255")
    int maxKeyLength();

    /** How often expired rows are deleted from {@code idempotency_keys} (on every instance; the delete is bounded). */
    @WithDefault("1m")
    Duration pruneInterval();
}
