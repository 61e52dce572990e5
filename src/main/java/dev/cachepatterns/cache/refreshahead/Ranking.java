package dev.cachepatterns.cache.refreshahead;

import java.time.Instant;
import java.util.List;

/**
 * The first entries of a ranking and when they were computed: the time of the rebuild that built the cached ranking,
 * or now when they were read from the source.
 */
public record Ranking(List<Standing> entries, Instant refreshedAt) {}
