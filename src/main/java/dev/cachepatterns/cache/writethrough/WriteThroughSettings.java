package dev.cachepatterns.cache.writethrough;

import io.smallrye.config.WithDefault;

import dev.cachepatterns.cache.core.EntrySettings;

/**
 * Settings of one write-through cache; the shared ones and their defaults are on {@link EntrySettings}. Here
 * entries are hashes at {@code <prefix>:<id>}; the TTL only bounds memory (cold keys leave) and the longest time an
 * entry can stay untrusted after an overflow of the untrusted-key list. Turning {@code enabled} back on is only safe
 * after the entries written meanwhile have expired or been removed.
 */
public interface WriteThroughSettings extends EntrySettings {

    /**
     * Keys this instance remembers as untrusted (a committed write whose Redis update and invalidation both failed).
     * Beyond it the whole cache is bypassed for reads until one TTL has passed, when every older entry has expired.
     */
    @WithDefault("10000")
    int maxUntrustedKeys();
}
