package dev.cachepatterns.cache.aside;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;

import dev.cachepatterns.cache.core.CacheKeys;
import dev.cachepatterns.cache.core.CacheMetrics;
import dev.cachepatterns.cache.core.DistributedLock;
import dev.cachepatterns.cache.core.EntryFormat;
import dev.cachepatterns.cache.core.FillSignals;
import dev.cachepatterns.cache.core.JsonCodec;
import dev.cachepatterns.cache.core.LoadLimiter;
import dev.cachepatterns.cache.core.LoadOnMiss;
import dev.cachepatterns.cache.core.Loader;
import dev.cachepatterns.cache.core.SingleFlight;
import dev.cachepatterns.cache.core.TtlPolicy;
import dev.cachepatterns.cache.redis.MultiKeyCommands;
import dev.cachepatterns.cache.redis.RedisGuard;

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
 *
 * <p>Every call goes to one {@link AsideRoute}: through Redis ({@link ThroughRedis}), or straight to the loader when the
 * cache is switched off ({@link PassThrough}). What an entry's text means is {@link EntryFormat}'s alone.
 */
public final class CacheAside<K, V> {

    private final CacheKeys keys;
    private final Function<K, String> keyRenderer;
    private final EntryFormat<V> format;
    private final TtlPolicy ttl;
    private final RedisGuard guard;
    private final MultiKeyCommands multiKey;
    private final CacheMetrics metrics;
    private final FencedEntries<V> fences;
    private final Generations generations;
    private final NearTier near;
    private final RecentIds<K> recent = new RecentIds<>();
    private final LoadOnMiss<K, V> reads;
    private final AsideRoute<K, V> route;

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
        this.generations = new Generations(settings.keyPrefix(), redis, guard, metrics);
        this.keys = new CacheKeys(settings.keyPrefix(), generations::current);
        this.keyRenderer = keyRenderer;
        this.format = new EntryFormat<>(codec);
        this.ttl = new TtlPolicy(settings.ttl(), settings.ttlJitter());
        TtlPolicy negativeTtl = new TtlPolicy(settings.negativeTtl(), settings.ttlJitter());
        this.guard = guard;
        this.multiKey = multiKey;
        this.metrics = metrics;
        this.fences = new FencedEntries<>(redis, guard, multiKey, format, metrics, settings.lockLease());
        this.near = nearTiers.open(
                name,
                settings,
                keys.generation(),
                () -> generations.refresh().subscribe().with(ok -> {}));
        AsideEntries<V> entries =
                new AsideEntries<>(format, redis, guard, fences, signals, near, metrics, ttl, negativeTtl);
        this.reads = new LoadOnMiss<>(
                keys,
                loader,
                keyRenderer,
                entries,
                settings.lockLease(),
                settings.lockWait(),
                limiter,
                lock,
                signals,
                metrics);
        BulkReads<K, V> bulk = new BulkReads<>(
                keys,
                keyRenderer,
                format,
                guard,
                multiKey,
                metrics,
                fences,
                near,
                reads::loadAllFromSource,
                ttl,
                negativeTtl);
        ThroughRedis<K, V> cached = new ThroughRedis<>(
                keys,
                keyRenderer,
                format,
                entries,
                fences,
                near,
                reads,
                bulk,
                recent,
                metrics,
                settings.rewarmOnWrite());
        // Switched off, one object that loads; else through Redis once the key generation is known.
        this.route = settings.enabled()
                ? new GenerationGate<>(generations, cached, PassThrough.bypassing(reads, format, metrics))
                : PassThrough.switchedOff(reads, format);
    }

    /**
     * The value for {@code id}: from Redis when cached, else from the loader (and then cached). Concurrent calls for one
     * key in this JVM share one Redis lookup and at most one load.
     */
    public Uni<Optional<V>> get(K id) {
        return route.get(id);
    }

    /**
     * The JSON of {@code id} as Redis holds it, so a hit is answered without decoding and re-encoding the value; a miss
     * is loaded like {@link #get} and encoded once. Entries are only ever written by this cache's codec, which uses the
     * application's object mapper, so the stored text is the API's representation. Change the key prefix when the value
     * type changes incompatibly: entries of the old shape are then never read.
     */
    public Uni<Optional<String>> getJson(K id) {
        return route.getJson(id);
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
        return route.getAll(distinct);
    }

    /**
     * Called after the source of truth changed: removes the entry and, when {@code rewarm-on-write} is on, loads the
     * committed value back into Redis. Never fails: a Redis that cannot be reached leaves the entry to its TTL.
     */
    public Uni<Void> invalidate(K id) {
        return route.invalidate(id);
    }

    /** Removes the entry without re-warming (e.g. after a delete). Never fails: a failure is counted and logged. */
    public Uni<Void> evict(K id) {
        return route.evict(id);
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
        return route.changedAtSource(id, inserted);
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
                format,
                fences::dropIfStill);
    }

    NearTier nearTier() {
        return near;
    }

    TtlPolicy ttlPolicy() {
        return ttl;
    }
}
