package dev.cachepatterns.showcase.series;

import java.util.Map;
import java.util.TreeMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * One reading of the meters Prometheus scrapes, as totals since start (counters) and current values (gauges). The
 * caches, write-behind queues and refresh-ahead caches are whatever has meters: an example that was deleted simply has
 * none. Two readings make a {@link SeriesPoint}.
 */
record MeterTotals(
        long epochMillis,
        Map<String, CacheTotals> caches,
        Map<String, WriteBehindTotals> writeBehind,
        Map<String, Map<String, Double>> refreshes,
        Double circuitOpen,
        Histogram redisCommands) {

    /** Reads by result (the {@code result} tag of {@code cache_gets_total}), fallbacks, loads and load time. */
    record CacheTotals(Map<String, Double> gets, double fallbacks, double loads, Histogram loadDuration) {}

    record WriteBehindTotals(Double pending, Double lagSeconds, double flushed) {}

    static MeterTotals read(MeterRegistry registry, long epochMillis) {
        Map<String, MutableCache> caches = new TreeMap<>();
        Map<String, MutableWriteBehind> writeBehind = new TreeMap<>();
        Map<String, Map<String, Double>> refreshes = new TreeMap<>();
        Double circuitOpen = null;
        Histogram redisCommands = Histogram.EMPTY;
        for (Meter meter : registry.getMeters()) {
            Meter.Id id = meter.getId();
            switch (id.getName()) {
                case "cache.gets" -> cache(caches, id).gets.merge(tag(id, "result"), count(meter), Double::sum);
                case "cache.fallbacks" -> cache(caches, id).fallbacks += count(meter);
                case "cache.loads" -> cache(caches, id).loads += count(meter);
                case "cache.load.duration" -> {
                    if (meter instanceof Timer timer) {
                        MutableCache cache = cache(caches, id);
                        cache.loadDuration = cache.loadDuration.plus(Histogram.of(timer.takeSnapshot()));
                    }
                }
                case "cache.redis.command.duration" -> {
                    if (meter instanceof Timer timer) {
                        redisCommands = redisCommands.plus(Histogram.of(timer.takeSnapshot()));
                    }
                }
                case "cache.redis.circuit.open" -> circuitOpen = finiteOrNull(gauge(meter));
                case "write.behind.pending" -> writeBehind(writeBehind, id).pending = finiteOrNull(gauge(meter));
                case "write.behind.lag.seconds" -> writeBehind(writeBehind, id).lagSeconds = finiteOrNull(gauge(meter));
                case "write.behind.flushed" -> writeBehind(writeBehind, id).flushed += count(meter);
                case "refresh.ahead.refreshes" ->
                    refreshes
                            .computeIfAbsent(tag(id, "cache"), name -> new TreeMap<>())
                            .merge(tag(id, "trigger"), count(meter), Double::sum);
                default -> {
                    // Not plotted.
                }
            }
        }
        Map<String, CacheTotals> cacheTotals = new TreeMap<>();
        caches.forEach(
                (name, c) -> cacheTotals.put(name, new CacheTotals(c.gets, c.fallbacks, c.loads, c.loadDuration)));
        Map<String, WriteBehindTotals> writeBehindTotals = new TreeMap<>();
        writeBehind.forEach(
                (name, w) -> writeBehindTotals.put(name, new WriteBehindTotals(w.pending, w.lagSeconds, w.flushed)));
        return new MeterTotals(epochMillis, cacheTotals, writeBehindTotals, refreshes, circuitOpen, redisCommands);
    }

    private static MutableCache cache(Map<String, MutableCache> caches, Meter.Id id) {
        return caches.computeIfAbsent(tag(id, "cache"), name -> new MutableCache());
    }

    private static MutableWriteBehind writeBehind(Map<String, MutableWriteBehind> queues, Meter.Id id) {
        return queues.computeIfAbsent(tag(id, "name"), name -> new MutableWriteBehind());
    }

    private static String tag(Meter.Id id, String key) {
        String value = id.getTag(key);
        return value == null ? "" : value;
    }

    private static double count(Meter meter) {
        if (meter instanceof Counter counter) {
            return counter.count();
        }
        if (meter instanceof FunctionCounter counter) {
            return counter.count();
        }
        return 0;
    }

    private static double gauge(Meter meter) {
        return meter instanceof Gauge gauge ? gauge.value() : Double.NaN;
    }

    private static Double finiteOrNull(double value) {
        return Double.isFinite(value) ? value : null;
    }

    private static final class MutableCache {
        final Map<String, Double> gets = new TreeMap<>();
        double fallbacks;
        double loads;
        Histogram loadDuration = Histogram.EMPTY;
    }

    private static final class MutableWriteBehind {
        Double pending;
        Double lagSeconds;
        double flushed;
    }
}
