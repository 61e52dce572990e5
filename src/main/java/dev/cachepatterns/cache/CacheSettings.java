package dev.cachepatterns.cache;

import io.smallrye.config.WithDefault;

/** Settings of one cache-aside cache; the shared ones and their defaults are on {@link CachedEntrySettings}. */
public interface CacheSettings extends CachedEntrySettings {

    /** After a write, load the new value into the cache at once instead of waiting for the next read. */
    @WithDefault("true")
    boolean rewarmOnWrite();
}
