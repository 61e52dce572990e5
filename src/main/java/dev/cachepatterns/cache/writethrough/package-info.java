/**
 * Write-through with versioned entries: {@link dev.cachepatterns.cache.writethrough.WriteThrough}, built by {@link
 * dev.cachepatterns.cache.writethrough.WriteThroughFactory} (which also runs the repair of entries a failed write could
 * not reach), with a loader of versioned values and settings that extend {@link
 * dev.cachepatterns.cache.writethrough.WriteThroughSettings}. A write reports what it did to the cache as {@link
 * dev.cachepatterns.cache.writethrough.CacheWrite}. See {@code docs/write-through.md}.
 */
package dev.cachepatterns.cache.writethrough;
