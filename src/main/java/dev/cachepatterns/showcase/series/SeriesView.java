package dev.cachepatterns.showcase.series;

import java.util.List;

/**
 * The answer of {@code GET /dashboard/series}: the sampling interval and window, the names of the caches, write-behind
 * queues and refresh-ahead caches that have meters on this instance (the page draws one panel each), whether Redis
 * command latency is measured, and the points, oldest first.
 */
public record SeriesView(
        long intervalMillis,
        long windowMillis,
        List<String> caches,
        List<String> writeBehind,
        List<String> refreshAhead,
        boolean redisLatency,
        List<SeriesPoint> points) {}
