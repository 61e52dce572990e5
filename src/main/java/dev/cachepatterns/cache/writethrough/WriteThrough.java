package dev.cachepatterns.cache.writethrough;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.ToLongFunction;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.hash.ReactiveHashCommands;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;
import org.jboss.logging.Logger;

import dev.cachepatterns.cache.core.CacheKeys;
import dev.cachepatterns.cache.core.CacheLookup;
import dev.cachepatterns.cache.core.CacheMetrics;
import dev.cachepatterns.cache.core.DistributedLock;
import dev.cachepatterns.cache.core.EntryFormat;
import dev.cachepatterns.cache.core.FillSignals;
import dev.cachepatterns.cache.core.JsonCodec;
import dev.cachepatterns.cache.core.LoadLimiter;
import dev.cachepatterns.cache.core.LoadOnMiss;
import dev.cachepatterns.cache.core.Loader;
import dev.cachepatterns.cache.core.TtlPolicy;
import dev.cachepatterns.cache.redis.LuaScript;
import dev.cachepatterns.cache.redis.RedisGuard;
import dev.cachepatterns.cache.redis.RedisUnavailableException;

/**
 * Write-through: a write commits to the source first and then stores the committed value in Redis before it returns;
 * reads are served from Redis and, on a miss, loaded from the source without a stampede ({@link LoadOnMiss}).
 *
 * <p>Versions: every value carries a version that the source increments on each committed change (starting at 1).
 * Entries are Redis hashes {@code {v: version, json: value}} and every update is a compare-and-set script that only
 * replaces an older version. So concurrent writers, a writer whose Redis update is slow, and a reader that loaded a row
 * just before a write can never leave an older value in the cache. An "absent" entry has version 0.
 *
 * <p>Consistency: a write returns {@link CacheWrite#STORED} only once Redis holds its version or a newer one; from then
 * on no read is served an older value. Reads never return a value older than the last write that returned STORED or
 * INVALIDATED. A write that returned UNCONFIRMED is invisible to readers on this instance right away, and to readers on
 * other instances once this instance's repair reaches Redis (it retries every second).
 *
 * <p>Failures:
 *
 * <ul>
 *   <li>The source write fails: Redis is not touched and the failure is passed to the caller unchanged (the service
 *       turns it into a 4xx or a 503).
 *   <li>Redis fails after the commit: the entry is invalidated instead (its version is raised and its value dropped, so
 *       no older value can be served or filled back) and the write reports {@link CacheWrite#INVALIDATED}.
 *   <li>That fails too: the key is remembered as untrusted on this instance ({@link UntrustedKeys}); reads of it bypass
 *       Redis, a repair invalidates the Redis entry as soon as Redis answers, and the write reports {@link
 *       CacheWrite#UNCONFIRMED}. The value is committed either way: callers must not retry it.
 *   <li>Reads while Redis is unavailable are served by the source (counted in {@code cache_fallbacks_total}).
 * </ul>
 *
 * <p>A write, once subscribed, runs to its end even if the caller goes away, so a commit is never left without its cache
 * update. A source whose commit outcome is unknown (the connection broke after the statement was sent) fails the write
 * and leaves the entry alone: it then holds the previous version until the next write of the key or its TTL.
 */
public final class WriteThrough<K, V> {

    private static final Logger LOG = Logger.getLogger(WriteThrough.class);

    /** Sets {json, v} unless the entry holds a newer version; returns the version the entry holds afterwards. */
    private static final LuaScript SET_IF_NEWER = LuaScript.load(WriteThrough.class, "set-if-newer.lua");

    /**
     * Invalidates an entry older than {@code version}: drops its value and raises its version, so a fill that loaded an
     * older row cannot land afterwards. Returns 1 when it changed the entry.
     */
    private static final LuaScript INVALIDATE_OLDER = LuaScript.load(WriteThrough.class, "invalidate-older.lua");

    private static final int REPAIR_CONCURRENCY = 16;

    private final String name;
    private final WriteThroughSettings settings;
    private final CacheKeys keys;
    private final EntryFormat<V> format;
    private final Function<K, String> keyRenderer;
    private final ToLongFunction<V> versionOf;
    private final TtlPolicy ttl;
    private final TtlPolicy negativeTtl;
    private final ReactiveRedisDataSource redis;
    private final ReactiveHashCommands<String, String, String> hashes;
    private final RedisGuard guard;
    private final FillSignals signals;
    private final UntrustedKeys untrusted;
    private final LoadOnMiss<K, V> reads;
    private final Map<CacheWrite, Counter> writes;

    WriteThrough(
            String name,
            WriteThroughSettings settings,
            JsonCodec<V> codec,
            Loader<K, V> loader,
            Function<K, String> keyRenderer,
            ToLongFunction<V> versionOf,
            ReactiveRedisDataSource redis,
            RedisGuard guard,
            LoadLimiter limiter,
            DistributedLock lock,
            FillSignals signals,
            MeterRegistry registry) {
        this.name = name;
        this.settings = settings;
        this.keys = new CacheKeys(settings.keyPrefix());
        this.format = new EntryFormat<>(codec);
        this.keyRenderer = keyRenderer;
        this.versionOf = versionOf;
        this.ttl = new TtlPolicy(settings.ttl(), settings.ttlJitter());
        this.negativeTtl = new TtlPolicy(settings.negativeTtl(), settings.ttlJitter());
        this.redis = redis;
        this.hashes = redis.hash(String.class);
        this.guard = guard;
        this.signals = signals;
        this.untrusted = new UntrustedKeys(
                settings.maxUntrustedKeys(), TimeUnit.MILLISECONDS.toNanos(ttl.maxMillis()), System::nanoTime);
        this.reads = new LoadOnMiss<>(
                keys,
                loader,
                keyRenderer,
                new VersionedStore(),
                settings.lockLease(),
                settings.lockWait(),
                limiter,
                lock,
                signals,
                new CacheMetrics(name, registry));
        this.writes = Map.of(
                CacheWrite.STORED, writeCounter(registry, CacheWrite.STORED),
                CacheWrite.INVALIDATED, writeCounter(registry, CacheWrite.INVALIDATED),
                CacheWrite.UNCONFIRMED, writeCounter(registry, CacheWrite.UNCONFIRMED),
                CacheWrite.DISABLED, writeCounter(registry, CacheWrite.DISABLED));
        Gauge.builder("cache.untrusted.keys", untrusted, UntrustedKeys::size)
                .description("Keys whose Redis entry this instance could not update nor invalidate after a write")
                .tag("cache", name)
                .register(registry);
    }

    private Counter writeCounter(MeterRegistry registry, CacheWrite outcome) {
        return Counter.builder("cache.writes")
                .description("Write-through writes by what happened to the cache entry after the commit")
                .tags("cache", name, "result", outcome.label())
                .register(registry);
    }

    /** The value for {@code id}: from Redis, else from the loader (filled into Redis unless a newer version is there). */
    public Uni<Optional<V>> get(K id) {
        if (!settings.enabled()) {
            return reads.loadFromSource(id);
        }
        return reads.get(id);
    }

    /**
     * Runs {@code sourceWrite} (which must commit and emit the committed value with its new version, or fail) and then
     * stores that value in Redis. Fails only when the source write fails, and then Redis is untouched.
     */
    public Uni<Written<V>> write(K id, Uni<V> sourceWrite) {
        if (!settings.enabled()) {
            return sourceWrite.map(value -> counted(new Written<>(value, CacheWrite.DISABLED)));
        }
        String key = keys.value(keyRenderer.apply(id));
        Uni<Written<V>> pipeline = sourceWrite.flatMap(
                committed -> store(key, committed).map(outcome -> counted(new Written<>(committed, outcome))));
        // Detached from the caller's cancellation: a client that disconnects after the commit must not stop the cache
        // update, or the entry would keep the previous version.
        return Uni.createFrom().emitter(emitter -> pipeline.subscribe().with(emitter::complete, emitter::fail));
    }

    /**
     * Invalidates, in Redis, the entries of keys this instance could not update or invalidate after a commit. Called
     * periodically by the factory; cheap when there is nothing to repair. Never fails.
     */
    public Uni<Void> repair() {
        Map<String, Long> pending = untrusted.snapshot();
        if (pending.isEmpty() || !settings.enabled()) {
            return Uni.createFrom().voidItem();
        }
        return Multi.createFrom()
                .iterable(pending.entrySet())
                .onItem()
                .transformToUni(entry -> invalidateOlder(entry.getKey(), entry.getValue())
                        .invoke(() -> untrusted.repaired(entry.getKey(), entry.getValue()))
                        .onFailure()
                        .recoverWithNull())
                .merge(REPAIR_CONCURRENCY)
                .onItem()
                .ignoreAsUni();
    }

    /** The Redis key that holds {@code id}. */
    String keyOf(K id) {
        return keys.value(keyRenderer.apply(id));
    }

    /** Whether reads of {@code id} currently bypass Redis on this instance. */
    boolean isUntrusted(K id) {
        return untrusted.isUntrusted(keyOf(id));
    }

    String name() {
        return name;
    }

    private Written<V> counted(Written<V> written) {
        writes.get(written.cache()).increment();
        return written;
    }

    private Uni<CacheWrite> store(String key, V committed) {
        long version = versionOf.applyAsLong(committed);
        return setIfNewer(key, version, format.json(committed), ttl.nextMillis())
                .map(held -> {
                    untrusted.repaired(key, held);
                    return CacheWrite.STORED;
                })
                // No fill announcement here: waiters are woken by the loader that holds the lock, and a PUBLISH would
                // add a second round trip to every write.
                .onFailure()
                .recoverWithUni(failure -> {
                    LOG.debugf("write-through of %s v%d failed, invalidating: %s", key, version, failure.getMessage());
                    return invalidateOlder(key, version)
                            .map(changed -> {
                                untrusted.repaired(key, version);
                                return CacheWrite.INVALIDATED;
                            })
                            .onFailure()
                            .recoverWithItem(() -> {
                                LOG.warnf(
                                        "cannot update nor invalidate %s after committing v%d; reads of it bypass"
                                                + " Redis here until it is repaired",
                                        key, version);
                                untrusted.add(key, version);
                                return CacheWrite.UNCONFIRMED;
                            });
                });
    }

    private Uni<Long> setIfNewer(String key, long version, String payload, long ttlMillis) {
        return guard.call(() -> SET_IF_NEWER.run(
                        redis, List.of(key), List.of(String.valueOf(version), payload, String.valueOf(ttlMillis))))
                .map(Response::toLong);
    }

    private Uni<Boolean> invalidateOlder(String key, long version) {
        return guard.call(() -> INVALIDATE_OLDER.run(
                        redis, List.of(key), List.of(String.valueOf(version), String.valueOf(ttl.nextMillis()))))
                .map(reply -> reply.toLong() == 1L);
    }

    /** Entries as versioned hashes; fills from reads go through the same compare-and-set as writes. */
    private final class VersionedStore implements LoadOnMiss.EntryStore<V> {

        @Override
        public Uni<CacheLookup<V>> lookup(String key) {
            if (untrusted.isUntrusted(key)) {
                return Uni.createFrom().item(CacheLookup.unavailable());
            }
            return guard.call(() -> hashes.hget(key, "json"))
                    .map(format::decode)
                    .onFailure(RedisUnavailableException.class)
                    .recoverWithItem(CacheLookup.unavailable());
        }

        @Override
        public Uni<Void> fill(String key, Optional<V> value, CacheLookup<V> miss) {
            long version = value.map(versionOf::applyAsLong).orElse(0L);
            long ttlMillis = value.isPresent() ? ttl.nextMillis() : negativeTtl.nextMillis();
            return setIfNewer(key, version, format.encode(value), ttlMillis)
                    .replaceWithVoid()
                    .call(() -> signals.announce(key))
                    .onFailure()
                    .recoverWithNull();
        }
    }
}
