package dev.cachepatterns.cache.core;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.smallrye.mutiny.Uni;

/** Reads the source of truth (the database) for a cache. Every call is one {@code cache_loads_total} increment. */
public interface Loader<K, V> {

    /** The value for {@code key}, or empty when the source has none (which the cache remembers as "absent"). */
    Uni<Optional<V>> load(K key);

    /** The values found for {@code keys}, in one round trip; keys without a value are left out. */
    Uni<Map<K, V>> loadAll(List<K> keys);
}
