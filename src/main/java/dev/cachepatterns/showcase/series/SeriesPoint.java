package dev.cachepatterns.showcase.series;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * What happened in one sampling interval, ending at {@code t} (epoch milliseconds): rates per second from the counter
 * differences, the gauges as read at {@code t}, and latency quantiles from the histogram bucket differences. Values
 * that do not exist in the interval (a hit ratio without reads, a p99 without loads) are null.
 */
public record SeriesPoint(
        long t,
        @Schema(nullable = true) Double circuitOpen,
        @Schema(nullable = true) Double redisP99Ms,
        Map<String, CachePoint> caches,
        Map<String, WriteBehindPoint> writeBehind,
        Map<String, Map<String, Double>> refreshAhead) {

    /** Results that answered without the database: a hit in either tier, an absent marker, a stale entry. */
    static final Set<String> SERVED_FROM_CACHE = Set.of("near_hit", "hit", "negative_hit", "stale");

    /**
     * Reads per second by result ({@code cache_gets_total}'s {@code result} tag, plus {@code fallback}: served without
     * Redis because Redis failed); hit ratio = served from cache / all reads including fallbacks; database loads per
     * second; p99 of the load time.
     */
    public record CachePoint(
            Map<String, Double> reads,
            @Schema(nullable = true) Double hitRatio,
            double loads,
            @Schema(nullable = true) Double loadP99Ms) {}

    /** Entries pending and age of the oldest (gauges), increments flushed to the database per second. */
    public record WriteBehindPoint(
            @Schema(nullable = true) Double pending,
            @Schema(nullable = true) Double lagSeconds,
            double flushed) {}

    /**
     * The interval from {@code earlier} to {@code later}. A meter missing from {@code earlier} was registered in between
     * (caches are created on first use), so it counts from zero.
     */
    static SeriesPoint between(MeterTotals earlier, MeterTotals later) {
        double seconds = Math.max(0.001, (later.epochMillis() - earlier.epochMillis()) / 1000.0);
        Map<String, CachePoint> caches = new TreeMap<>();
        later.caches().forEach((name, now) -> {
            MeterTotals.CacheTotals before = earlier.caches().get(name);
            caches.put(name, cachePoint(now, before, seconds));
        });
        Map<String, WriteBehindPoint> writeBehind = new TreeMap<>();
        later.writeBehind().forEach((name, now) -> {
            MeterTotals.WriteBehindTotals before = earlier.writeBehind().get(name);
            double flushed = rate(now.flushed(), before == null ? 0 : before.flushed(), seconds);
            writeBehind.put(name, new WriteBehindPoint(round(now.pending()), round(now.lagSeconds()), flushed));
        });
        Map<String, Map<String, Double>> refreshes = new TreeMap<>();
        later.refreshes().forEach((name, now) -> {
            Map<String, Double> before = earlier.refreshes().getOrDefault(name, Map.of());
            Map<String, Double> rates = new TreeMap<>();
            now.forEach(
                    (trigger, total) -> rates.put(trigger, rate(total, before.getOrDefault(trigger, 0.0), seconds)));
            refreshes.put(name, rates);
        });
        Double redisP99 =
                millis(later.redisCommands().since(earlier.redisCommands()).quantile(0.99));
        return new SeriesPoint(later.epochMillis(), later.circuitOpen(), redisP99, caches, writeBehind, refreshes);
    }

    private static CachePoint cachePoint(MeterTotals.CacheTotals now, MeterTotals.CacheTotals before, double seconds) {
        Map<String, Double> reads = new TreeMap<>();
        double served = 0;
        double all = 0;
        for (Map.Entry<String, Double> entry : now.gets().entrySet()) {
            double previous = before == null ? 0 : before.gets().getOrDefault(entry.getKey(), 0.0);
            double delta = Math.max(0, entry.getValue() - previous);
            reads.put(entry.getKey(), round(delta / seconds));
            all += delta;
            if (SERVED_FROM_CACHE.contains(entry.getKey())) {
                served += delta;
            }
        }
        double fallbacks = Math.max(0, now.fallbacks() - (before == null ? 0 : before.fallbacks()));
        reads.put("fallback", round(fallbacks / seconds));
        all += fallbacks;
        double loads = rate(now.loads(), before == null ? 0 : before.loads(), seconds);
        Histogram interval = now.loadDuration().since(before == null ? Histogram.EMPTY : before.loadDuration());
        return new CachePoint(reads, all == 0 ? null : round(served / all), loads, millis(interval.quantile(0.99)));
    }

    private static double rate(double now, double before, double seconds) {
        return round(Math.max(0, now - before) / seconds);
    }

    private static Double millis(double seconds) {
        return Double.isFinite(seconds) ? round(seconds * 1000) : null;
    }

    private static Double round(Double value) {
        return value == null ? null : round(value.doubleValue());
    }

    // Three decimals are plenty for a plot and keep the JSON small.
    private static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }
}
