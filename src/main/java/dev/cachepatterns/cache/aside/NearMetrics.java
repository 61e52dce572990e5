package dev.cachepatterns.cache.aside;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The near tier's meters: {@code cache_near_invalidations_total{cache}}, {@code cache_near_flushes_total{cache,reason}},
 * {@code cache_near_late_heartbeats_total{cache}}, {@code cache_near_entries{cache}} and {@code cache_near_bytes{cache}};
 * its hits are {@code cache_gets_total{result="near_hit"}} ({@code CacheMetrics}).
 */
final class NearMetrics {

    private final String cache;
    private final MeterRegistry registry;
    private final Counter invalidations;
    private final Counter lateHeartbeats;
    private final Map<String, Counter> flushes = new ConcurrentHashMap<>();

    NearMetrics(String cache, MeterRegistry registry, Supplier<Number> entries, Supplier<Number> weighedBytes) {
        this.cache = cache;
        this.registry = registry;
        this.invalidations = Counter.builder("cache.near.invalidations")
                .description("Near-tier entries dropped because Redis reported their key changed")
                .tag("cache", cache)
                .register(registry);
        this.lateHeartbeats = Counter.builder("cache.near.late.heartbeats")
                .description("Heartbeats of the tracking connection answered too late to renew the near tier's lease:"
                        + " hits went to Redis for a while, nothing was dropped")
                .tag("cache", cache)
                .register(registry);
        Gauge.builder("cache.near.entries", entries)
                .description("Entries held by the near tier (values, absent markers and reads in flight)")
                .tag("cache", cache)
                .register(registry);
        Gauge.builder("cache.near.bytes", weighedBytes)
                .description("Bytes the near tier holds as its memory bound (max-memory) weighs them")
                .tag("cache", cache)
                .baseUnit("bytes")
                .register(registry);
        for (NearTier.Flush reason : NearTier.Flush.values()) {
            flush(reason);
        }
    }

    void invalidated(int keys) {
        invalidations.increment(keys);
    }

    void lateHeartbeat() {
        lateHeartbeats.increment();
    }

    void flushed(NearTier.Flush reason) {
        flush(reason).increment();
    }

    private Counter flush(NearTier.Flush reason) {
        return flushes.computeIfAbsent(
                reason.label(),
                label -> Counter.builder("cache.near.flushes")
                        .description("Times the near tier dropped what may have missed an invalidation, by reason:"
                                + " everything, or the entries of a Redis Cluster's moved slots")
                        .tags("cache", cache, "reason", label)
                        .register(registry));
    }
}
