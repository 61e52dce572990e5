package dev.cachepatterns.cache.refreshahead;

/** A member's total in the source. */
public record Total(String member, long score) {}
