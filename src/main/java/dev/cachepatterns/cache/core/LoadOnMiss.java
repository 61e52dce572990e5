package dev.cachepatterns.cache.core;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import io.smallrye.mutiny.Uni;

import dev.cachepatterns.cache.Internal;
import dev.cachepatterns.cache.redis.RedisUnavailableException;

/**
 * The read path that the strategies share: look the key up in the cache store and, on a miss, load it from the source
 * without a stampede. Concurrent reads of one key in this JVM share one lookup and at most one load ({@link
 * SingleFlight}); across instances one loader holds the {@link DistributedLock} and the others wait for its fill
 * announcement ({@link FillSignals}) for at most {@code lockWait}, then load by themselves. When the store is
 * unavailable, reads are served by the loader (counted as fallbacks). Every load goes through the {@link LoadLimiter}
 * and is counted in {@code cache_loads_total}.
 *
 * <p>The store decides how entries are encoded and filled (a plain value for cache-aside, a versioned hash for
 * write-through); this class only orchestrates.
 */
@Internal
public final class LoadOnMiss<K, V> {

    /** How a strategy reads and fills its Redis entries. No method fails: Redis trouble is UNAVAILABLE / a no-op. */
    public interface EntryStore<V> {
        Uni<CacheLookup<V>> lookup(String key);

        /**
         * The lookup right before a load whose result will be filled. A store with fenced fills opens the key's fence
         * here (a miss then carries it); the default is a plain lookup, for stores whose fills are safe without one
         * (write-through's versioned compare-and-set).
         */
        default Uni<CacheLookup<V>> lookupForFill(String key) {
            return lookup(key);
        }

        /** Fills {@code key} with what was loaded after {@code miss} (the lookup for fill, with its fence if any). */
        Uni<Void> fill(String key, Optional<V> value, CacheLookup<V> miss);
    }

    private final CacheKeys keys;
    private final Loader<K, V> loader;
    private final Function<K, String> keyRenderer;
    private final EntryStore<V> store;
    private final Duration lockLease;
    private final Duration lockWait;
    private final LoadLimiter limiter;
    private final DistributedLock lock;
    private final FillSignals signals;
    private final CacheMetrics metrics;
    private final SingleFlight<CacheLookup<V>> reads = new SingleFlight<>();

    public LoadOnMiss(
            CacheKeys keys,
            Loader<K, V> loader,
            Function<K, String> keyRenderer,
            EntryStore<V> store,
            Duration lockLease,
            Duration lockWait,
            LoadLimiter limiter,
            DistributedLock lock,
            FillSignals signals,
            CacheMetrics metrics) {
        this.keys = keys;
        this.loader = loader;
        this.keyRenderer = keyRenderer;
        this.store = store;
        this.lockLease = lockLease;
        this.lockWait = lockWait;
        this.limiter = limiter;
        this.lock = lock;
        this.signals = signals;
        this.metrics = metrics;
    }

    /** The value for {@code id} from the store, else from the loader (and then filled). */
    public Uni<Optional<V>> get(K id) {
        String key = keys.value(keyRenderer.apply(id));
        return reads.run(key, () -> store.lookup(key).flatMap(found -> afterLookup(id, key, found)))
                .map(this::counted);
    }

    /**
     * Finishes a read after the caller's own lookup of {@code key} (e.g. one that keeps the raw entry): an answered
     * lookup is counted and returned; a miss or an unavailable store joins this JVM's one flight for the key.
     */
    public Uni<Optional<V>> resolve(K id, String key, CacheLookup<V> found) {
        if (found.answered()) {
            return Uni.createFrom().item(counted(found));
        }
        return reads.run(key, () -> afterLookup(id, key, found)).map(this::counted);
    }

    public Uni<Optional<V>> loadFromSource(K id) {
        return limiter.run(() -> timed(loader.load(id)));
    }

    public Uni<Map<K, V>> loadAllFromSource(List<K> ids) {
        return limiter.run(() -> timed(loader.loadAll(ids)));
    }

    private Uni<CacheLookup<V>> afterLookup(K id, String key, CacheLookup<V> found) {
        return switch (found.kind()) {
            case HIT, ABSENT -> Uni.createFrom().item(found);
            case MISS -> loadUnderLock(id, key);
            case UNAVAILABLE -> loadFromSource(id).map(value -> outcome(CacheLookup.Kind.UNAVAILABLE, value));
        };
    }

    private static <V> CacheLookup<V> outcome(CacheLookup.Kind kind, Optional<V> value) {
        return new CacheLookup<>(kind, value.orElse(null));
    }

    private Optional<V> counted(CacheLookup<V> outcome) {
        switch (outcome.kind()) {
            case HIT -> metrics.hit();
            case ABSENT -> metrics.negativeHit();
            case MISS -> metrics.miss();
            case UNAVAILABLE -> metrics.fallback();
        }
        return outcome.asOptional();
    }

    // A miss; counted as a fallback instead when Redis fails while taking the lock (the read is then served without
    // it).
    private Uni<CacheLookup<V>> loadUnderLock(K id, String key) {
        String lockKey = keys.lock(keyRenderer.apply(id));
        return lock.tryAcquire(lockKey, lockLease)
                .onFailure(RedisUnavailableException.class)
                .recoverWithItem(() -> null)
                .flatMap(token -> {
                    if (token == null) {
                        return loadFromSource(id).map(value -> outcome(CacheLookup.Kind.UNAVAILABLE, value));
                    }
                    if (token.isEmpty()) {
                        return awaitOtherLoader(id, key).map(value -> outcome(CacheLookup.Kind.MISS, value));
                    }
                    // Re-check under the lock: another instance may have filled it between our miss and our lock.
                    return loadAndFill(id, key)
                            .map(value -> outcome(CacheLookup.Kind.MISS, value))
                            .eventually(() -> lock.release(lockKey, token.get())
                                    .onFailure()
                                    .recoverWithNull());
                });
    }

    private Uni<Optional<V>> awaitOtherLoader(K id, String key) {
        metrics.lockWait();
        Uni<Void> filled = signals.expect(key, lockWait);
        return store.lookup(key).flatMap(first -> {
            if (first.answered()) {
                return Uni.createFrom().item(first.asOptional());
            }
            return filled.flatMap(ignored -> loadAndFill(id, key));
        });
    }

    // The fence is opened before the load starts: an invalidation after this point, even one racing the load's query,
    // revokes it and the fill does not land.
    private Uni<Optional<V>> loadAndFill(K id, String key) {
        return store.lookupForFill(key)
                .flatMap(found -> found.answered()
                        ? Uni.createFrom().item(found.asOptional())
                        : loadFromSource(id).call(value -> store.fill(key, value, found)));
    }

    private <T> Uni<T> timed(Uni<T> load) {
        return Uni.createFrom().deferred(() -> {
            long start = System.nanoTime();
            return load.onItemOrFailure()
                    .invoke((item, failure) -> metrics.loaded(System.nanoTime() - start, failure == null));
        });
    }
}
