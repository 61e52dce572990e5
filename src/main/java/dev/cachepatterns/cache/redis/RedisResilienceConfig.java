package dev.cachepatterns.cache.redis;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How the cache layer protects callers from a slow or dead Redis. Shared by every cache. */
@ConfigMapping(prefix = "cache.redis")
public interface RedisResilienceConfig {

    /** Time-out of every Redis call made by the cache layer. */
    @WithDefault("250ms")
    Duration timeout();

    /** Failed Redis calls among the last {@code window-size} that open the circuit. */
    @WithDefault("10")
    int failureThreshold();

    /** How many of the most recent Redis calls the circuit breaker looks at. */
    @WithDefault("20")
    int windowSize();

    /** How long the circuit stays open before one probe call is let through. */
    @WithDefault("2s")
    Duration openFor();

    /**
     * Redis calls of the cache layer in flight at once; the rest wait here, untimed. Keep it below {@code
     * quarkus.redis.max-pool-size}: the client lends a connection to one command at a time, and pub/sub and INFO
     * sampling hold connections of their own, so a call beyond the pool would wait inside its time-out.
     */
    @WithDefault("20")
    int maxInFlight();

    /** Calls that may wait for a slot; beyond it a call fails at once as local congestion (reads degrade). */
    @WithDefault("512")
    int maxQueued();

    /**
     * How long a call may wait for a slot before it fails as local congestion, which the breaker does not count; a wait
     * that ran out while this process stalled is extended, at most three times.
     */
    @WithDefault("250ms")
    Duration queueTimeout();

    /**
     * How long start-up may take to open {@code max-in-flight} pooled connections before readiness reports UP, so
     * the first burst after a deploy finds them open. A Redis that cannot be reached ends the warm-up at once.
     */
    @WithDefault("5s")
    Duration warmUpTimeout();

    /** Pub/sub channel on which a loader announces that it filled a key, so waiters do not poll. */
    @WithDefault("cp:fills")
    String fillChannel();
}
