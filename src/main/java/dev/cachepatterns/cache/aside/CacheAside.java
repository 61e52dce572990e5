package dev.cachepatterns.cache.aside;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.keys.ReactiveKeyCommands;
import io.quarkus.redis.datasource.value.ReactiveValueCommands;
import io.smallrye.mutiny.Uni;
import org.jboss.logging.Logger;

import dev.cachepatterns.cache.core.CacheKeys;
import dev.cachepatterns.cache.core.CacheLookup;
import dev.cachepatterns.cache.core.CacheMetrics;
import dev.cachepatterns.cache.core.DistributedLock;
import dev.cachepatterns.cache.core.FillSignals;
import dev.cachepatterns.cache.core.JsonCodec;
import dev.cachepatterns.cache.core.LoadLimiter;
import dev.cachepatterns.cache.core.LoadOnMiss;
import dev.cachepatterns.cache.core.Loader;
import dev.cachepatterns.cache.core.SingleFlight;
import dev.cachepatterns.cache.core.TtlPolicy;
import dev.cachepatterns.cache.redis.MultiKeyCommands;
import dev.cachepatterns.cache.redis.RedisGuard;
import dev.cachepatterns.cache.redis.RedisUnavailableException;

/**
 * Cache-aside (lazy loading): reads look in Redis first and, on a miss, load from the source and fill Redis; writes go
 * to the source and then invalidate (and optionally re-warm) the entry.
 *
 * <p>Consistency: every fill after a load is fenced ({@link FencedEntries}): it lands only if no invalidation of the key
 * happened since the reader's miss, so a reader that loaded a row just before a write cannot cache it after that
 * write's invalidation. What remains possible is in {@code docs/cache-aside.md} (an invalidation that cannot reach
 * Redis leaves the entry to its TTL).
 *
 * <p>Stampedes: concurrent misses on one key share one load in this JVM ({@link SingleFlight}) and across instances
 * ({@link DistributedLock}); instances that lose the lock race wait for the winner's fill announcement ({@link
 * FillSignals}) for at most {@code lock-wait}, then load by themselves. This miss path is {@link LoadOnMiss}, shared
 * with write-through.
 *
 * <p>Failures: every Redis call has a time-out and goes through the shared circuit breaker. When Redis fails, reads are
 * served by the loader (counted in {@code cache_fallbacks_total}), still single-flighted per key and bounded by the
 * {@link LoadLimiter}; invalidations that cannot reach Redis are counted and the entry expires with its TTL. Loader
 * failures are passed to the caller unchanged.
 */
public final class CacheAside<K, V> {

    private static final Logger LOG = Logger.getLogger(CacheAside.class);

    private final CacheAsideSettings settings;
    private final CacheKeys keys;
    private final JsonCodec<V> codec;
    private final Function<K, String> keyRenderer;
    private final TtlPolicy ttl;
    private final TtlPolicy negativeTtl;
    private final ReactiveValueCommands<String, String> values;
    private final ReactiveKeyCommands<String> keyCommands;
    private final RedisGuard guard;
    private final FillSignals signals;
    private final MultiKeyCommands multiKey;
    private final CacheMetrics metrics;
    private final FencedEntries<V> fences;
    private final Generations generations;
    private final NearTier near;
    private final BulkReads<K, V> bulk;
    private final RecentIds<K> recent = new RecentIds<>();
    private final LoadOnMiss<K, V> reads;
    private final SingleFlight<Optional<V>> refreshes = new SingleFlight<>();
    private final SingleFlight<CacheLookup<String>> rawLookups = new SingleFlight<>();

    CacheAside(
            String name,
            CacheAsideSettings settings,
            JsonCodec<V> codec,
            Loader<K, V> loader,
            Function<K, String> keyRenderer,
            ReactiveRedisDataSource redis,
            RedisGuard guard,
            LoadLimiter limiter,
            DistributedLock lock,
            FillSignals signals,
            MultiKeyCommands multiKey,
            CacheMetrics metrics,
            NearTiers nearTiers) {
        this.settings = settings;
        this.generations = new Generations(settings.keyPrefix(), redis, guard, metrics);
        this.keys = new CacheKeys(settings.keyPrefix(), generations::current);
        this.codec = codec;
        this.keyRenderer = keyRenderer;
        this.ttl = new TtlPolicy(settings.ttl(), settings.ttlJitter());
        this.negativeTtl = new TtlPolicy(settings.negativeTtl(), settings.ttlJitter());
        this.values = redis.value(String.class);
        this.keyCommands = redis.key(String.class);
        this.guard = guard;
        this.signals = signals;
        this.multiKey = multiKey;
        this.metrics = metrics;
        this.fences = new FencedEntries<>(redis, guard, multiKey, codec, metrics, settings.lockLease());
        this.near = nearTiers.open(
                name,
                settings,
                keys.generation(),
                () -> generations.refresh().subscribe().with(ok -> {}));
        this.reads = new LoadOnMiss<>(
                keys,
                loader,
                keyRenderer,
                new LoadOnMiss.EntryStore<>() {
                    @Override
                    public Uni<CacheLookup<V>> lookup(String key) {
                        return CacheAside.this.lookup(key);
                    }

                    @Override
                    public Uni<CacheLookup<V>> lookupForFill(String key) {
                        return fences.open(key);
                    }

                    @Override
                    public Uni<Void> fill(String key, Optional<V> value, CacheLookup<V> miss) {
                        return CacheAside.this.fill(key, value, miss);
                    }
                },
                settings.lockLease(),
                settings.lockWait(),
                limiter,
                lock,
                signals,
                metrics);
        this.bulk = new BulkReads<>(
                keys,
                keyRenderer,
                codec,
                guard,
                multiKey,
                metrics,
                fences,
                near,
                reads::loadAllFromSource,
                ttl,
                negativeTtl);
    }

    /**
     * The value for {@code id}: from Redis when cached, else from the loader (and then cached). Concurrent calls for one
     * key in this JVM share one Redis lookup and at most one load.
     */
    public Uni<Optional<V>> get(K id) {
        if (!settings.enabled()) {
            return loadFromSource(id);
        }
        if (!generations.known()) {
            return generations.refresh().flatMap(known -> known ? reads.get(id) : bypassed(loadFromSource(id)));
        }
        recent.add(id);
        String held = near.get(keys.value(keyRenderer.apply(id)));
        if (held != null) {
            CacheLookup<V> lookup = CacheLookup.decode(held, codec);
            if (lookup.answered()) {
                return Uni.createFrom().item(nearHit(lookup).asOptional());
            }
        }
        return reads.get(id);
    }

    /**
     * The JSON of {@code id} as Redis holds it, so a hit is answered without decoding and re-encoding the value; a miss
     * is loaded like {@link #get} and encoded once. Entries are only ever written by this cache's codec, which uses the
     * application's object mapper, so the stored text is the API's representation. Change the key prefix when the value
     * type changes incompatibly: entries of the old shape are then never read.
     */
    public Uni<Optional<String>> getJson(K id) {
        if (!settings.enabled()) {
            return loadFromSource(id).map(value -> value.map(codec::encode));
        }
        if (!generations.known()) {
            return generations
                    .refresh()
                    .flatMap(known ->
                            known ? getJson(id) : bypassed(loadFromSource(id).map(value -> value.map(codec::encode))));
        }
        recent.add(id);
        String key = keys.value(keyRenderer.apply(id));
        String held = near.get(key);
        if (held != null) {
            CacheLookup<String> lookup = rawLookup(held);
            nearHit(lookup);
            return Uni.createFrom().item(lookup.asOptional());
        }
        // Concurrent reads of one key share one GET, as in get(): a hot key costs Redis one call per burst.
        return rawLookups
                .run(
                        key,
                        () -> readRaw(key)
                                .map(CacheAside::rawLookup)
                                .onFailure(RedisUnavailableException.class)
                                .recoverWithItem(CacheLookup.unavailable()))
                .flatMap(found -> {
                    if (found.kind() == CacheLookup.Kind.HIT) {
                        metrics.hit();
                        return Uni.createFrom().item(Optional.of(found.value()));
                    }
                    return reads.resolve(id, key, found.<V>withoutValue()).map(value -> value.map(codec::encode));
                });
    }

    /**
     * The values found for {@code ids} (one MGET, one bulk load for the misses, one pipelined fill). On a Redis Cluster
     * both are sent per hash slot ({@link MultiKeyCommands}).
     */
    public Uni<Map<K, V>> getAll(List<K> ids) {
        List<K> distinct = List.copyOf(new LinkedHashSet<>(ids));
        if (distinct.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        if (!settings.enabled()) {
            return loadAllFromSource(distinct);
        }
        if (!generations.known()) {
            return generations
                    .refresh()
                    .flatMap(known -> known ? getAll(distinct) : bypassed(loadAllFromSource(distinct)));
        }
        return bulk.getAll(distinct);
    }

    /**
     * Called after the source of truth changed: removes the entry and, when {@code rewarm-on-write} is on, loads the
     * committed value back into Redis. Never fails: a Redis that cannot be reached leaves the entry to its TTL.
     */
    public Uni<Void> invalidate(K id) {
        if (!settings.enabled()) {
            return Uni.createFrom().voidItem();
        }
        Uni<Void> removed = evict(id);
        if (!settings.rewarmOnWrite() || !generations.known()) {
            return removed;
        }
        String key = keys.value(keyRenderer.apply(id));
        // Its own flight (a read begun before the write may carry the old row), fenced: a later write revokes it.
        return removed.call(() -> refreshes
                        .run(
                                key,
                                () -> fences.open(key).flatMap(found -> {
                                    if (found.answered() || found.kind() == CacheLookup.Kind.UNAVAILABLE) {
                                        return Uni.createFrom().item(found.asOptional());
                                    }
                                    return loadFromSource(id).call(value -> fill(key, value, found));
                                }))
                        .onFailure()
                        .recoverWithNull())
                .replaceWithVoid();
    }

    /** Removes the entry without re-warming (e.g. after a delete). Never fails: a failure is counted and logged. */
    public Uni<Void> evict(K id) {
        if (!settings.enabled()) {
            return Uni.createFrom().voidItem();
        }
        if (!generations.known()) {
            return generations
                    .refresh()
                    .flatMap(known -> known ? evict(id) : Uni.createFrom().voidItem());
        }
        String key = keys.value(keyRenderer.apply(id));
        near.drop(key);
        return guard.call(() -> keyCommands.del(key))
                .invoke(() -> near.drop(key))
                .replaceWithVoid()
                .onFailure()
                .invoke(failure -> {
                    metrics.invalidationFailed();
                    LOG.debugf("invalidation of %s failed: %s", key, failure.getMessage());
                })
                .onFailure()
                .recoverWithNull();
    }

    /**
     * The Redis key that holds {@code id}, for a strategy that must touch the entry in a script of its own: write-behind
     * drops the cached copy of an entity in the script that acknowledges its increments ({@code CachedCopies.of}).
     */
    public String keyOf(K id) {
        return keys.value(keyRenderer.apply(id));
    }

    /** Starts using key generations (see {@link Generations}); for {@link SourceInvalidations}. */
    void useGenerations(io.vertx.mutiny.core.Vertx vertx, java.time.Duration refresh) {
        generations.follow(vertx, refresh);
    }

    /** The source said {@code id} changed (or was inserted: then a cached value is not stale, absence is). */
    Uni<Void> invalidatedAtSource(K id, boolean inserted) {
        metrics.sourceInvalidated();
        if (!inserted || !settings.enabled() || !generations.known()) {
            return evict(id);
        }
        String key = keyOf(id);
        return fences.dropUnlessValue(key)
                .invoke(() -> near.drop(key))
                .onFailure()
                .recoverWithNull()
                .replaceWithVoid();
    }

    /** Drops the whole cache in O(1) (a new key generation); true when Redis took it. */
    Uni<Boolean> flushAll(boolean onReconnect) {
        return generations.bump(onReconnect).invoke(() -> near.flush(NearTier.Flush.GENERATION));
    }

    /** What {@link ConsistencyAudits} compares: the ids read here lately, their entries and the source. */
    AuditView<K, V> auditView() {
        return new AuditView<>(
                recent,
                this::keyOf,
                redisKeys -> guard.call(() -> multiKey.mget(redisKeys)),
                reads::loadAllFromSource,
                codec::encode,
                fences::dropIfStill);
    }

    private <T> Uni<T> bypassed(Uni<T> load) {
        metrics.fallback();
        return load;
    }

    NearTier nearTier() {
        return near;
    }

    TtlPolicy ttlPolicy() {
        return ttl;
    }

    private static CacheLookup<String> rawLookup(String raw) {
        if (raw == null || raw.startsWith(CacheLookup.FENCE_PREFIX)) {
            return CacheLookup.miss();
        }
        return CacheLookup.ABSENT_MARKER.equals(raw) ? CacheLookup.absent() : CacheLookup.hit(raw);
    }

    private Uni<CacheLookup<V>> lookup(String key) {
        return readRaw(key)
                .map(raw -> CacheLookup.decode(raw, codec))
                .onFailure(RedisUnavailableException.class)
                .recoverWithItem(CacheLookup.unavailable());
    }

    // One GET whose reply the near tier may keep (see NearTier.beforeRead).
    private Uni<String> readRaw(String key) {
        NearTier.Ticket ticket = near.beforeRead(key);
        return guard.call(() -> values.get(key))
                .onItemOrFailure()
                .invoke((raw, failure) -> near.afterRead(ticket, failure == null ? raw : null));
    }

    private <T> CacheLookup<T> nearHit(CacheLookup<T> lookup) {
        if (lookup.kind() == CacheLookup.Kind.HIT) {
            metrics.nearHit();
        } else {
            metrics.negativeHit();
        }
        return lookup;
    }

    // Without a fence (Redis failed while opening it) nothing is filled: the next read loads again.
    private Uni<Void> fill(String key, Optional<V> value, CacheLookup<V> miss) {
        if (miss.fence() == null) {
            return Uni.createFrom().voidItem();
        }
        String payload = value.map(codec::encode).orElse(CacheLookup.ABSENT_MARKER);
        long ttlMillis = value.isPresent() ? ttl.nextMillis() : negativeTtl.nextMillis();
        return fences.fill(key, miss.fence(), payload, ttlMillis)
                .invoke(() -> near.drop(key))
                .call(() -> signals.announce(key));
    }

    private Uni<Optional<V>> loadFromSource(K id) {
        return reads.loadFromSource(id);
    }

    private Uni<Map<K, V>> loadAllFromSource(List<K> ids) {
        return reads.loadAllFromSource(ids);
    }
}
