/**
 * Cache-aside (lazy loading): {@link dev.cachepatterns.cache.aside.CacheAside}, built by {@link
 * dev.cachepatterns.cache.aside.CacheAsideFactory} with a {@link dev.cachepatterns.cache.core.Loader} and settings that
 * extend {@link dev.cachepatterns.cache.aside.CacheAsideSettings}. Every fill after a load is fenced ({@code
 * FencedEntries}: a value loaded before an invalidation is never stored after it); a service whose table has a change
 * trigger also calls {@link dev.cachepatterns.cache.aside.SourceInvalidations#follow}, and the cache then keeps its
 * keys under a generation ({@code Generations}) so it can be dropped in O(1). See {@code docs/cache-aside.md}.
 */
package dev.cachepatterns.cache.aside;
