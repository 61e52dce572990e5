package dev.cachepatterns.users;

import io.smallrye.config.ConfigMapping;

import dev.cachepatterns.cache.aside.CacheAsideSettings;

/** The {@code cache.users.*} section; defaults documented on {@link CacheAsideSettings}. */
@ConfigMapping(prefix = "cache.users")
public interface UsersCacheConfig extends CacheAsideSettings {}
