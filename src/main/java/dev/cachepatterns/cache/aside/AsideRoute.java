package dev.cachepatterns.cache.aside;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.smallrye.mutiny.Uni;

/**
 * Where the calls of a {@link CacheAside} go: through Redis ({@link ThroughRedis}), straight to the source when the
 * cache is switched off ({@link PassThrough}), or, for a cache whose key generation is not known yet, to one of those
 * once it is read ({@link GenerationGate}). Reads fail only as the loader fails; writes never fail.
 */
interface AsideRoute<K, V> {

    Uni<Optional<V>> get(K id);

    Uni<Optional<String>> getJson(K id);

    /** The values found for {@code ids}, which are distinct and not empty. */
    Uni<Map<K, V>> getAll(List<K> ids);

    Uni<Void> invalidate(K id);

    Uni<Void> evict(K id);

    /** The source said {@code id} changed (or was inserted: then a cached value is not stale, absence is). */
    Uni<Void> changedAtSource(K id, boolean inserted);
}
