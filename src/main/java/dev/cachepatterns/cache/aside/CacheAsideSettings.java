package dev.cachepatterns.cache.aside;

import io.smallrye.config.WithDefault;

import dev.cachepatterns.cache.core.EntrySettings;

/** Settings of one cache-aside cache; the shared ones and their defaults are on {@link EntrySettings}. */
public interface CacheAsideSettings extends EntrySettings {

    /** After a write, load the new value into the cache at once instead of waiting for the next read. */
    @WithDefault("true")
    boolean rewarmOnWrite();

    /**
     * The near tier ({@code cache.<name>.near.*}); none unless a cache's own settings interface redeclares this method
     * without a body, which maps the section.
     */
    default NearSettings near() {
        return NearSettings.OFF;
    }
}
