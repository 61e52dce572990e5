package dev.cachepatterns.cache.writebehind;

import java.util.List;
import java.util.function.Function;

import io.smallrye.mutiny.Uni;

import dev.cachepatterns.cache.aside.CacheAside;

/**
 * The cache that holds write-behind entities together with their flushed counters. A flush drops the copies of the
 * entities it applied (their counters changed in Postgres) in the same script that takes their deltas out of pending,
 * then loads them again with {@code rewarm}: without that, the next increment of every flushed entity would miss and
 * read Postgres, which costs more than the synchronous write that write-behind replaces.
 *
 * @param key the Redis key of an entity's cached copy; it must share the write-behind stream's hash slot
 * @param rewarm loads the given entities into the cache again; failures are ignored (the next read loads them)
 */
public record CachedCopies(Function<String, String> key, Function<List<String>, Uni<Void>> rewarm) {

    /** The copies held by a cache-aside cache keyed by entity: re-warmed with one bulk read. */
    public static CachedCopies of(CacheAside<String, ?> cache) {
        return new CachedCopies(cache::keyOf, entities -> cache.getAll(entities).replaceWithVoid());
    }
}
