package dev.cachepatterns.cache.refreshahead;

/** A member's total and its 1-based rank: highest total first, equal totals by member name (byte order). */
public record Standing(String member, long score, long rank) {}
