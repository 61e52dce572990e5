package dev.cachepatterns.support;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/** Reads the cache counters the way the design counts database reads. */
public final class Metrics {

    private final MeterRegistry registry;

    public Metrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public double loads(String cache) {
        return count("cache.loads", cache, "result", "success") + count("cache.loads", cache, "result", "failure");
    }

    public double gets(String cache, String result) {
        return count("cache.gets", cache, "result", result);
    }

    public double fallbacks(String cache) {
        Counter counter = registry.find("cache.fallbacks").tag("cache", cache).counter();
        return counter == null ? 0 : counter.count();
    }

    /** Keys a write-through cache could neither update nor invalidate after a write ({@code cache_untrusted_keys}). */
    public double untrustedKeys(String cache) {
        Gauge gauge = registry.find("cache.untrusted.keys").tag("cache", cache).gauge();
        return gauge == null ? 0 : gauge.value();
    }

    /** The sum of every counter called {@code name}, whatever its tags (e.g. all caches' fallbacks). */
    public double total(String name) {
        return registry.find(name).counters().stream()
                .mapToDouble(Counter::count)
                .sum();
    }

    private double count(String name, String cache, String tag, String value) {
        Counter counter =
                registry.find(name).tag("cache", cache).tag(tag, value).counter();
        return counter == null ? 0 : counter.count();
    }
}
