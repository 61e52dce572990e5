package dev.cachepatterns.cache.core;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import dev.cachepatterns.cache.Internal;

/** The metrics of one cache, named as in the design ({@code cache_gets_total{cache,result}} and friends). */
@Internal
public final class CacheMetrics {

    private final String cache;
    private final MeterRegistry registry;
    private final Counter hits;
    private volatile Counter nearHits;
    private final Counter misses;
    private final Counter negativeHits;
    private final Counter stale;
    private final Counter loadSuccesses;
    private final Counter loadFailures;
    private final Timer loadDuration;
    private final Counter lockWaits;
    private final Counter fallbacks;
    private final Counter invalidationFailures;
    private final Counter fenceRejections;
    private final Counter sourceInvalidations;
    private final Counter flushesOnReconnect;
    private final Counter flushesOnTableChange;

    public CacheMetrics(String cache, MeterRegistry registry) {
        this.cache = cache;
        this.registry = registry;
        this.hits = gets(registry, cache, "hit");
        this.misses = gets(registry, cache, "miss");
        this.negativeHits = gets(registry, cache, "negative_hit");
        this.stale = gets(registry, cache, "stale");
        this.loadSuccesses = loads(registry, cache, "success");
        this.loadFailures = loads(registry, cache, "failure");
        this.loadDuration = Timer.builder("cache.load.duration")
                .description("Time spent in the loader (the database)")
                .tag("cache", cache)
                .publishPercentiles(0.5, 0.95, 0.99)
                .publishPercentileHistogram()
                .register(registry);
        this.lockWaits = Counter.builder("cache.lock.waits")
                .description("Reads that waited for another instance's load")
                .tag("cache", cache)
                .register(registry);
        this.fallbacks = Counter.builder("cache.fallbacks")
                .description("Reads served without Redis because Redis failed")
                .tag("cache", cache)
                .register(registry);
        this.invalidationFailures = Counter.builder("cache.invalidation.failures")
                .description("Invalidations that could not reach Redis; the entry lives until its TTL")
                .tag("cache", cache)
                .register(registry);
        this.fenceRejections = Counter.builder("cache.fence.rejections")
                .description("Fills refused because an invalidation revoked their fence (the value may be stale)")
                .tag("cache", cache)
                .register(registry);
        this.sourceInvalidations = Counter.builder("cache.source.invalidations")
                .description("Entries invalidated because the source notified a change (a trigger's NOTIFY)")
                .tag("cache", cache)
                .register(registry);
        this.flushesOnReconnect = flushes(registry, cache, "reconnect");
        this.flushesOnTableChange = flushes(registry, cache, "table");
    }

    // The whole cache dropped at once by moving to a new generation of keys.
    private static Counter flushes(MeterRegistry registry, String cache, String reason) {
        return Counter.builder("cache.generation.bumps")
                .description("Whole-cache invalidations (a new key generation): after the change listener reconnected,"
                        + " or after a statement changed too many rows to name them")
                .tags("cache", cache, "reason", reason)
                .register(registry);
    }

    private static Counter gets(MeterRegistry registry, String cache, String result) {
        return Counter.builder("cache.gets")
                .description("Cache reads by result")
                .tags("cache", cache, "result", result)
                .register(registry);
    }

    private static Counter loads(MeterRegistry registry, String cache, String result) {
        return Counter.builder("cache.loads")
                .description("Loader (database) calls by result")
                .tags("cache", cache, "result", result)
                .register(registry);
    }

    public void hit() {
        hits.increment();
    }

    /** A hit served by the near tier (registered on the first one, so caches without a near tier show none). */
    public void nearHit() {
        Counter counter = nearHits;
        if (counter == null) {
            counter = gets(registry, cache, "near_hit");
            nearHits = counter;
        }
        counter.increment();
    }

    public void miss() {
        misses.increment();
    }

    public void negativeHit() {
        negativeHits.increment();
    }

    public void staleHit() {
        stale.increment();
    }

    public void loaded(long nanos, boolean success) {
        (success ? loadSuccesses : loadFailures).increment();
        loadDuration.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    public void lockWait() {
        lockWaits.increment();
    }

    public void fallback() {
        fallbacks.increment();
    }

    public void invalidationFailed() {
        invalidationFailures.increment();
    }

    public void fenceRejected() {
        fenceRejections.increment();
    }

    public void sourceInvalidated() {
        sourceInvalidations.increment();
    }

    public void generationBumped(boolean onReconnect) {
        (onReconnect ? flushesOnReconnect : flushesOnTableChange).increment();
    }
}
