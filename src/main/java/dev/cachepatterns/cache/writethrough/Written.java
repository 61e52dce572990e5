package dev.cachepatterns.cache.writethrough;

/** A committed write-through value and what happened to its cache entry. */
public record Written<V>(V value, CacheWrite cache) {}
