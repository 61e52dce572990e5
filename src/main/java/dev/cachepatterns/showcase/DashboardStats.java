package dev.cachepatterns.showcase;

import java.util.List;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * What the page at {@code /} shows about the caches: built from the same meters Prometheus scrapes. Registered for
 * reflection so a native image serializes it and its parts.
 */
@RegisterForReflection(
        targets = {DashboardStats.class, DashboardStats.CacheStats.class, DashboardStats.WriteBehindStats.class})
public record DashboardStats(List<CacheStats> caches, WriteBehindStats writeBehind, String redisCircuit) {

    /** Reads and database loads of one cache since start. */
    public record CacheStats(
            String cache, long hits, long misses, long negativeHits, long loads, long fallbacks, double hitRatio) {}

    /** The write-behind backlog: accepted increments not yet in Postgres. */
    public record WriteBehindStats(long pending, double lagSeconds, long flushed, long dead) {}
}
