package dev.cachepatterns.cache.writethrough;

/** A row of the write-through proofs' test table; {@code version} is raised by the database on every committed change. */
public record TestItem(String id, String name, long version) {}
