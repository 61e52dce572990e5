package dev.cachepatterns.cache.aside;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.smallrye.mutiny.Uni;

import dev.cachepatterns.cache.core.CacheMetrics;
import dev.cachepatterns.cache.core.EntryFormat;
import dev.cachepatterns.cache.core.LoadOnMiss;

/**
 * A cache-aside cache that does not use Redis: every read is a load (still bounded by the load limiter and counted in
 * {@code cache_loads_total}), and there is nothing to invalidate. Either the cache is switched off, or it bypasses
 * Redis for this call because it cannot name its entries yet (then each read is counted as a fallback).
 */
final class PassThrough<K, V> implements AsideRoute<K, V> {

    private final LoadOnMiss<K, V> source;
    private final EntryFormat<V> format;
    private final Runnable bypassed;

    private PassThrough(LoadOnMiss<K, V> source, EntryFormat<V> format, Runnable bypassed) {
        this.source = source;
        this.format = format;
        this.bypassed = bypassed;
    }

    /** The cache is switched off ({@code enabled=false}). */
    static <K, V> PassThrough<K, V> switchedOff(LoadOnMiss<K, V> source, EntryFormat<V> format) {
        return new PassThrough<>(source, format, () -> {});
    }

    /** Redis is bypassed for a call that should have used it: counted in {@code cache_fallbacks_total}. */
    static <K, V> PassThrough<K, V> bypassing(LoadOnMiss<K, V> source, EntryFormat<V> format, CacheMetrics metrics) {
        return new PassThrough<>(source, format, metrics::fallback);
    }

    @Override
    public Uni<Optional<V>> get(K id) {
        bypassed.run();
        return source.loadFromSource(id);
    }

    @Override
    public Uni<Optional<String>> getJson(K id) {
        return get(id).map(value -> value.map(format::json));
    }

    @Override
    public Uni<Map<K, V>> getAll(List<K> ids) {
        bypassed.run();
        return source.loadAllFromSource(ids);
    }

    @Override
    public Uni<Void> invalidate(K id) {
        return Uni.createFrom().voidItem();
    }

    @Override
    public Uni<Void> evict(K id) {
        return Uni.createFrom().voidItem();
    }

    @Override
    public Uni<Void> changedAtSource(K id, boolean inserted) {
        return Uni.createFrom().voidItem();
    }
}
