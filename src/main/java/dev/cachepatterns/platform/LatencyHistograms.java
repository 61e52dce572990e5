package dev.cachepatterns.platform;

import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;

/**
 * Fixed histogram buckets for the latency timers, so Prometheus can compute p50/p95/p99 across instances
 * ({@code histogram_quantile}); client-side percentiles cannot be aggregated. About a dozen buckets per timer instead of
 * Micrometer's ~70 default ones keep the series count small; each set is spaced for what it times:
 *
 * <ul>
 *   <li>{@code http_server_requests_seconds}: 1 ms to 5 s;
 *   <li>{@code cache_load_duration_seconds} (the database behind a cache): 0.5 ms to 5 s;
 *   <li>{@code cache_redis_command_duration_seconds}: 0.1 ms to 250 ms (the cache layer's time-out), with a bound at
 *       the 10 ms of the {@code RedisCommandsSlow} alert.
 * </ul>
 */
@Singleton
public class LatencyHistograms {

    static final Map<String, Duration[]> BUCKETS = Map.of(
            "http.server.requests", millis(1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000),
            "cache.load.duration", millis(0.5, 1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000),
            "cache.redis.command.duration", millis(0.1, 0.25, 0.5, 1, 2, 5, 10, 25, 50, 100, 250));

    private final LatencyHistogramsConfig config;

    LatencyHistograms(LatencyHistogramsConfig config) {
        this.config = config;
    }

    @Produces
    @Singleton
    MeterFilter latencyBuckets() {
        if (!config.enabled()) {
            // Off means no buckets at all for these timers, not Micrometer's ~70 defaults (the load timer asks for a
            // percentile histogram itself).
            return new MeterFilter() {
                @Override
                public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
                    if (!BUCKETS.containsKey(id.getName())) {
                        return config;
                    }
                    return DistributionStatisticConfig.builder()
                            .percentilesHistogram(false)
                            .serviceLevelObjectives()
                            .build()
                            .merge(config);
                }
            };
        }
        return new MeterFilter() {
            @Override
            public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
                Duration[] buckets = BUCKETS.get(id.getName());
                if (buckets == null) {
                    return config;
                }
                double[] nanos =
                        Stream.of(buckets).mapToDouble(Duration::toNanos).toArray();
                // These buckets replace Micrometer's percentile histogram; configured percentiles stay.
                return DistributionStatisticConfig.builder()
                        .percentilesHistogram(false)
                        .serviceLevelObjectives(nanos)
                        .build()
                        .merge(config);
            }
        };
    }

    private static Duration[] millis(double... values) {
        return java.util.Arrays.stream(values)
                .mapToObj(ms -> Duration.ofNanos(Math.round(ms * 1_000_000)))
                .toArray(Duration[]::new);
    }
}
