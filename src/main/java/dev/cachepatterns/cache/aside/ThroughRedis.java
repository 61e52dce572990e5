package dev.cachepatterns.cache.aside;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import io.smallrye.mutiny.Uni;

import dev.cachepatterns.cache.core.CacheKeys;
import dev.cachepatterns.cache.core.CacheLookup;
import dev.cachepatterns.cache.core.CacheMetrics;
import dev.cachepatterns.cache.core.EntryFormat;
import dev.cachepatterns.cache.core.LoadOnMiss;
import dev.cachepatterns.cache.core.SingleFlight;

/**
 * A cache-aside cache in use: reads look in the near tier, then in Redis, then load on a miss ({@link LoadOnMiss});
 * writes evict the entry and may re-warm it. {@code get} and {@code getJson} are one read pipeline that differs only in
 * what a hit answers ({@link View}): the decoded value, or the entry's JSON as stored.
 */
final class ThroughRedis<K, V> implements AsideRoute<K, V> {

    /** What a read answers: the entry seen as this view, and a loaded value turned into it. */
    private interface View<V, T> {
        CacheLookup<T> of(CacheLookup<String> entry);

        Optional<T> loaded(Optional<V> value);
    }

    private final CacheKeys keys;
    private final Function<K, String> keyRenderer;
    private final EntryFormat<V> format;
    private final AsideEntries<V> entries;
    private final FencedEntries<V> fences;
    private final NearTier near;
    private final LoadOnMiss<K, V> reads;
    private final BulkReads<K, V> bulk;
    private final RecentIds<K> recent;
    private final CacheMetrics metrics;
    private final boolean rewarmOnWrite;
    private final SingleFlight<CacheLookup<String>> lookups = new SingleFlight<>();
    private final SingleFlight<Optional<V>> refreshes = new SingleFlight<>();
    private final View<V, V> values;
    private final View<V, String> json;

    ThroughRedis(
            CacheKeys keys,
            Function<K, String> keyRenderer,
            EntryFormat<V> format,
            AsideEntries<V> entries,
            FencedEntries<V> fences,
            NearTier near,
            LoadOnMiss<K, V> reads,
            BulkReads<K, V> bulk,
            RecentIds<K> recent,
            CacheMetrics metrics,
            boolean rewarmOnWrite) {
        this.keys = keys;
        this.keyRenderer = keyRenderer;
        this.format = format;
        this.entries = entries;
        this.fences = fences;
        this.near = near;
        this.reads = reads;
        this.bulk = bulk;
        this.recent = recent;
        this.metrics = metrics;
        this.rewarmOnWrite = rewarmOnWrite;
        this.values = new View<>() {
            @Override
            public CacheLookup<V> of(CacheLookup<String> entry) {
                return format.decode(entry);
            }

            @Override
            public Optional<V> loaded(Optional<V> value) {
                return value;
            }
        };
        this.json = new View<>() {
            @Override
            public CacheLookup<String> of(CacheLookup<String> entry) {
                return entry;
            }

            @Override
            public Optional<String> loaded(Optional<V> value) {
                return value.map(format::json);
            }
        };
    }

    @Override
    public Uni<Optional<V>> get(K id) {
        return read(id, values);
    }

    // Entries are only ever written by this cache's codec, so a hit's stored text is the API's representation.
    @Override
    public Uni<Optional<String>> getJson(K id) {
        return read(id, json);
    }

    @Override
    public Uni<Map<K, V>> getAll(List<K> ids) {
        return bulk.getAll(ids);
    }

    @Override
    public Uni<Void> invalidate(K id) {
        Uni<Void> removed = evict(id);
        if (!rewarmOnWrite) {
            return removed;
        }
        String key = key(id);
        // Its own flight (a read begun before the write may carry the old row), fenced: a later write revokes it.
        return removed.call(() -> refreshes
                        .run(
                                key,
                                () -> fences.open(key).flatMap(found -> {
                                    if (found.answered() || found.kind() == CacheLookup.Kind.UNAVAILABLE) {
                                        return Uni.createFrom().item(found.asOptional());
                                    }
                                    return reads.loadFromSource(id).call(value -> entries.fill(key, value, found));
                                }))
                        .onFailure()
                        .recoverWithNull())
                .replaceWithVoid();
    }

    @Override
    public Uni<Void> evict(K id) {
        return entries.evict(key(id));
    }

    @Override
    public Uni<Void> changedAtSource(K id, boolean inserted) {
        return inserted ? entries.dropUnlessValue(key(id)) : evict(id);
    }

    /** The near tier, then one Redis GET shared by concurrent reads of the key, then a load on a miss. */
    private <T> Uni<Optional<T>> read(K id, View<V, T> view) {
        recent.add(id);
        String key = key(id);
        String held = near.get(key);
        if (held != null) {
            CacheLookup<T> found = view.of(EntryFormat.read(held));
            if (found.answered()) {
                return Uni.createFrom().item(nearHit(found).asOptional());
            }
        }
        // A hot key costs Redis one call per burst.
        return lookups.run(key, () -> entries.read(key)).flatMap(entry -> {
            CacheLookup<T> found = view.of(entry);
            if (found.kind() == CacheLookup.Kind.HIT) {
                metrics.hit();
                return Uni.createFrom().item(Optional.of(found.value()));
            }
            return reads.resolve(id, key, found.<V>withoutValue()).map(view::loaded);
        });
    }

    private <T> CacheLookup<T> nearHit(CacheLookup<T> lookup) {
        if (lookup.kind() == CacheLookup.Kind.HIT) {
            metrics.nearHit();
        } else {
            metrics.negativeHit();
        }
        return lookup;
    }

    private String key(K id) {
        return keys.value(keyRenderer.apply(id));
    }
}
