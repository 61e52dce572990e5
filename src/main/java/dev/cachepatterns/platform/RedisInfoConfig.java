package dev.cachepatterns.platform;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How the service samples the Redis server's own statistics (INFO) for its metrics endpoint. */
@ConfigMapping(prefix = "metrics.redis-info")
public interface RedisInfoConfig {

    /** Whether INFO is polled at all; off, the {@code redis_*} meters are not registered. */
    @WithDefault("true")
    boolean enabled();

    /**
     * Time between two INFO calls. One call returns a few KB, so a few seconds cost nothing; Prometheus scrapes
     * (typically every 15 s) then read the last sample.
     */
    @WithDefault("5s")
    Duration interval();
}
