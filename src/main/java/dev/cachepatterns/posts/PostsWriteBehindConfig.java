package dev.cachepatterns.posts;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import dev.cachepatterns.cache.writebehind.WriteBehindSettings;

/** The {@code write-behind.posts.*} section; defaults documented on {@link WriteBehindSettings}. */
@ConfigMapping(prefix = "write-behind.posts")
public interface PostsWriteBehindConfig extends WriteBehindSettings {

    enum Mode {
        /** Views and likes are queued in Redis and flushed in batches (the design). */
        WRITE_BEHIND,
        /** Each view or like is one UPDATE in Postgres before the reply: the baseline for benchmarks. */
        SYNCHRONOUS
    }

    /** How views and likes are written. */
    @WithDefault("write-behind")
    Mode mode();
}
