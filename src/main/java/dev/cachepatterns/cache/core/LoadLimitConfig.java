package dev.cachepatterns.cache.core;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Bound on concurrent loader (database) calls made by all caches, so a cache outage cannot stampede the database. */
@ConfigMapping(prefix = "cache.loads")
public interface LoadLimitConfig {

    /** Loader calls running at once; keep it at or under the database pool size. */
    @WithDefault("16")
    int maxConcurrent();

    /** Loader calls waiting for a slot; beyond it callers get a fast 503 instead of an unbounded queue. */
    @WithDefault("512")
    int maxQueued();
}
