/**
 * Refresh-ahead rankings on Redis sorted sets: {@link dev.cachepatterns.cache.refreshahead.RankedSetCache}, built and
 * scheduled by {@link dev.cachepatterns.cache.refreshahead.RefreshAheadFactory} over a {@link
 * dev.cachepatterns.cache.refreshahead.RankingSource}, with settings that extend {@link
 * dev.cachepatterns.cache.refreshahead.RefreshAheadSettings}. Inside: the trigger and read protocol ({@code
 * RefreshAhead}), the sorted-set scripts ({@code RankedSets}) and the schedule ({@code RefreshSchedule}). See {@code
 * docs/refresh-ahead.md}.
 */
package dev.cachepatterns.cache.refreshahead;
