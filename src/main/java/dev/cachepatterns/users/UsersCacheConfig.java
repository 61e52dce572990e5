package dev.cachepatterns.users;

import io.smallrye.config.ConfigMapping;

import dev.cachepatterns.cache.CacheSettings;

/** The {@code cache.users.*} section; defaults documented on {@link CacheSettings}. */
@ConfigMapping(prefix = "cache.users")
public interface UsersCacheConfig extends CacheSettings {}
