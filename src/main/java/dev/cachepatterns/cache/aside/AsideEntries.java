package dev.cachepatterns.cache.aside;

import java.util.Optional;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.keys.ReactiveKeyCommands;
import io.quarkus.redis.datasource.value.ReactiveValueCommands;
import io.smallrye.mutiny.Uni;
import org.jboss.logging.Logger;

import dev.cachepatterns.cache.core.CacheLookup;
import dev.cachepatterns.cache.core.CacheMetrics;
import dev.cachepatterns.cache.core.EntryFormat;
import dev.cachepatterns.cache.core.FillSignals;
import dev.cachepatterns.cache.core.LoadOnMiss;
import dev.cachepatterns.cache.core.TtlPolicy;
import dev.cachepatterns.cache.redis.RedisGuard;
import dev.cachepatterns.cache.redis.RedisUnavailableException;

/**
 * The entries of one cache-aside cache, one key at a time: a read ({@code GET}, whose reply the near tier may keep), a
 * fenced fill after a load ({@link FencedEntries}, then announced to waiters), and an eviction. What the entries mean is
 * {@link EntryFormat}'s. These are the store that {@link LoadOnMiss} reads and fills on a miss.
 */
final class AsideEntries<V> implements LoadOnMiss.EntryStore<V> {

    private static final Logger LOG = Logger.getLogger(AsideEntries.class);

    private final EntryFormat<V> format;
    private final ReactiveValueCommands<String, String> values;
    private final ReactiveKeyCommands<String> keyCommands;
    private final RedisGuard guard;
    private final FencedEntries<V> fences;
    private final FillSignals signals;
    private final NearTier near;
    private final CacheMetrics metrics;
    private final TtlPolicy ttl;
    private final TtlPolicy negativeTtl;

    AsideEntries(
            EntryFormat<V> format,
            ReactiveRedisDataSource redis,
            RedisGuard guard,
            FencedEntries<V> fences,
            FillSignals signals,
            NearTier near,
            CacheMetrics metrics,
            TtlPolicy ttl,
            TtlPolicy negativeTtl) {
        this.format = format;
        this.values = redis.value(String.class);
        this.keyCommands = redis.key(String.class);
        this.guard = guard;
        this.fences = fences;
        this.signals = signals;
        this.near = near;
        this.metrics = metrics;
        this.ttl = ttl;
        this.negativeTtl = negativeTtl;
    }

    /** What Redis holds for {@code key}, undecoded ({@link EntryFormat#read}); unavailable when Redis fails. */
    Uni<CacheLookup<String>> read(String key) {
        return readRaw(key)
                .map(EntryFormat::read)
                .onFailure(RedisUnavailableException.class)
                .recoverWithItem(CacheLookup.unavailable());
    }

    @Override
    public Uni<CacheLookup<V>> lookup(String key) {
        return read(key).map(format::decode);
    }

    @Override
    public Uni<CacheLookup<V>> lookupForFill(String key) {
        return fences.open(key);
    }

    // Without a fence (Redis failed while opening it) nothing is filled: the next read loads again.
    @Override
    public Uni<Void> fill(String key, Optional<V> value, CacheLookup<V> miss) {
        if (miss.fence() == null) {
            return Uni.createFrom().voidItem();
        }
        long ttlMillis = value.isPresent() ? ttl.nextMillis() : negativeTtl.nextMillis();
        return fences.fill(key, miss.fence(), format.encode(value), ttlMillis)
                .invoke(() -> near.drop(key))
                .call(() -> signals.announce(key));
    }

    /** Deletes the entry (revoking its fences); dropped from the near tier before and after. Never fails. */
    Uni<Void> evict(String key) {
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

    /** Deletes an "absent" marker or a fence (a row was inserted), leaving a value loaded since. Never fails. */
    Uni<Void> dropUnlessValue(String key) {
        return fences.dropUnlessValue(key)
                .invoke(() -> near.drop(key))
                .onFailure()
                .recoverWithNull()
                .replaceWithVoid();
    }

    // One GET whose reply the near tier may keep (see NearTier.beforeRead).
    private Uni<String> readRaw(String key) {
        NearTier.Ticket ticket = near.beforeRead(key);
        return guard.call(() -> values.get(key))
                .onItemOrFailure()
                .invoke((raw, failure) -> near.afterRead(ticket, failure == null ? raw : null));
    }
}
