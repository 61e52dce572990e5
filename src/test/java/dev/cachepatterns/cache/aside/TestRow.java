package dev.cachepatterns.cache.aside;

/** A row of the cache-aside proofs' test table, and the value their caches hold. */
public record TestRow(long id, String name) {}
