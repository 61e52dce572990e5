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

    /** Pub/sub channel on which a loader announces that it filled a key, so waiters do not poll. */
    @WithDefault("cp:fills")
    String fillChannel();
}
