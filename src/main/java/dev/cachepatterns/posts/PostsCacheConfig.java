package dev.cachepatterns.posts;

import io.smallrye.config.ConfigMapping;

import dev.cachepatterns.cache.aside.CacheAsideSettings;

/** The {@code cache.posts.*} section (cache-aside of the post, including its flushed counts). */
@ConfigMapping(prefix = "cache.posts")
public interface PostsCacheConfig extends CacheAsideSettings {}
