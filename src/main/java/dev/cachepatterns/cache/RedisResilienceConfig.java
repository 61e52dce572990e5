package dev.cachepatterns.cache;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How the cache layer protects callers from a slow or dead Redis. Shared by every cache. */
@ConfigMapping(prefix = "cache.redis")
public interface RedisResilienceConfig {

    /** Time-out of every Redis call made by the cache layer. */
    @WithDefault("250ms")
    Duration timeout();

    /** Consecutive failed Redis calls that open the circuit. */
    @WithDefault("5")
    int failureThreshold();

    /** How long the circuit stays open before one probe call is let through. */
    @WithDefault("2s")
    Duration openFor();

    /** Pub/sub channel on which a loader announces that it filled a key, so waiters do not poll. */
    @WithDefault("cp:fills")
    String fillChannel();
}
