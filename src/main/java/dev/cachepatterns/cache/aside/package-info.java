/**
 * Cache-aside (lazy loading): {@link dev.cachepatterns.cache.aside.CacheAside}, built by {@link
 * dev.cachepatterns.cache.aside.CacheAsideFactory} with a {@link dev.cachepatterns.cache.core.Loader} and settings that
 * extend {@link dev.cachepatterns.cache.aside.CacheAsideSettings}. See {@code docs/cache-aside.md}.
 */
package dev.cachepatterns.cache.aside;
