package dev.cachepatterns.platform;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Whether the latency timers publish their fixed histogram buckets ({@link LatencyHistograms}). */
@ConfigMapping(prefix = "metrics.latency-histograms")
public interface LatencyHistogramsConfig {

    /**
     * On, the HTTP, database-load and Redis-command timers publish about a dozen {@code _bucket} series each, which
     * Prometheus aggregates across instances; off, only count, sum, max and the client-side percentiles (the
     * benchmark's baseline for what the buckets cost).
     */
    @WithDefault("true")
    boolean enabled();
}
