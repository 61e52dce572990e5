package dev.cachepatterns.cache.refreshahead;

import java.util.List;

/** Every member's total of one ranking, read from the source under {@code snapshot}. */
public record Totals(PgSnapshot snapshot, List<Total> totals) {}
