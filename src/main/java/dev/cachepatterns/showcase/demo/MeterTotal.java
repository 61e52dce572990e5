package dev.cachepatterns.showcase.demo;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** Counter totals for demos: a demo reports what its run added to the meters Prometheus scrapes. */
public final class MeterTotal {

    private MeterTotal() {}

    /** The sum of the counters named {@code name} with all the given tags ({@code key, value, key, value, ...}). */
    public static double of(MeterRegistry registry, String name, String... tags) {
        return registry.find(name).tags(tags).counters().stream()
                .mapToDouble(Counter::count)
                .sum();
    }
}
