package dev.cachepatterns.cache.aside;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import io.smallrye.mutiny.Uni;

import dev.cachepatterns.cache.core.CacheKeys;
import dev.cachepatterns.cache.core.CacheLookup;
import dev.cachepatterns.cache.core.CacheMetrics;
import dev.cachepatterns.cache.core.EntryFormat;
import dev.cachepatterns.cache.core.TtlPolicy;
import dev.cachepatterns.cache.redis.MultiKeyCommands;
import dev.cachepatterns.cache.redis.RedisGuard;
import dev.cachepatterns.cache.redis.RedisUnavailableException;

/**
 * {@link CacheAside#getAll}: the near tier first, one MGET for the rest, one bulk load for the misses and one pipelined
 * fenced fill. On a Redis Cluster the MGET and the fills are sent per hash slot ({@link MultiKeyCommands}).
 */
final class BulkReads<K, V> {

    private final CacheKeys keys;
    private final Function<K, String> keyRenderer;
    private final EntryFormat<V> format;
    private final RedisGuard guard;
    private final MultiKeyCommands multiKey;
    private final CacheMetrics metrics;
    private final FencedEntries<V> fences;
    private final NearTier near;
    private final Function<List<K>, Uni<Map<K, V>>> source;
    private final TtlPolicy ttl;
    private final TtlPolicy negativeTtl;

    BulkReads(
            CacheKeys keys,
            Function<K, String> keyRenderer,
            EntryFormat<V> format,
            RedisGuard guard,
            MultiKeyCommands multiKey,
            CacheMetrics metrics,
            FencedEntries<V> fences,
            NearTier near,
            Function<List<K>, Uni<Map<K, V>>> source,
            TtlPolicy ttl,
            TtlPolicy negativeTtl) {
        this.keys = keys;
        this.keyRenderer = keyRenderer;
        this.format = format;
        this.guard = guard;
        this.multiKey = multiKey;
        this.metrics = metrics;
        this.fences = fences;
        this.near = near;
        this.source = source;
        this.ttl = ttl;
        this.negativeTtl = negativeTtl;
    }

    Uni<Map<K, V>> getAll(List<K> distinct) {
        Map<K, V> found = new HashMap<>();
        List<K> remote = new ArrayList<>();
        for (K id : distinct) {
            String held = near.get(key(id));
            CacheLookup<V> lookup = format.decode(held);
            switch (lookup.kind()) {
                case HIT -> {
                    metrics.nearHit();
                    found.put(id, lookup.value());
                }
                case ABSENT -> metrics.negativeHit();
                default -> remote.add(id);
            }
        }
        if (remote.isEmpty()) {
            return Uni.createFrom().item(found);
        }
        String[] redisKeys = remote.stream().map(this::key).toArray(String[]::new);
        List<NearTier.Ticket> tickets = new ArrayList<>(redisKeys.length);
        for (String key : redisKeys) {
            tickets.add(near.beforeRead(key));
        }
        return guard.call(() -> multiKey.mget(List.of(redisKeys)))
                .onFailure(RedisUnavailableException.class)
                .recoverWithNull()
                .flatMap(cached -> {
                    if (cached == null) {
                        tickets.forEach(ticket -> near.afterRead(ticket, null));
                        metrics.fallback();
                        return source.apply(remote).map(loaded -> {
                            found.putAll(loaded);
                            return found;
                        });
                    }
                    List<K> missing = new ArrayList<>();
                    for (int i = 0; i < remote.size(); i++) {
                        String raw = cached.get(redisKeys[i]);
                        CacheLookup<V> lookup = format.decode(raw);
                        near.afterRead(tickets.get(i), lookup.answered() ? raw : null);
                        switch (lookup.kind()) {
                            case HIT -> {
                                metrics.hit();
                                found.put(remote.get(i), lookup.value());
                            }
                            case ABSENT -> metrics.negativeHit();
                            default -> {
                                metrics.miss();
                                missing.add(remote.get(i));
                            }
                        }
                    }
                    return missing.isEmpty() ? Uni.createFrom().item(found) : loadMissing(missing, found);
                });
    }

    // Fences for the misses first (one script per key, per slot), so an invalidation during the bulk load revokes
    // them; ids that someone filled meanwhile are answered from Redis.
    private Uni<Map<K, V>> loadMissing(List<K> missing, Map<K, V> found) {
        List<String> missingKeys = missing.stream().map(this::key).toList();
        return fences.openAll(missingKeys).flatMap(opened -> {
            Map<K, CacheLookup<V>> toLoad = new HashMap<>();
            for (int i = 0; i < missing.size(); i++) {
                CacheLookup<V> lookup = opened.get(i);
                if (lookup.kind() == CacheLookup.Kind.HIT) {
                    found.put(missing.get(i), lookup.value());
                } else if (lookup.kind() != CacheLookup.Kind.ABSENT) {
                    toLoad.put(missing.get(i), lookup);
                }
            }
            if (toLoad.isEmpty()) {
                return Uni.createFrom().item(found);
            }
            List<K> ids = missing.stream().filter(toLoad::containsKey).toList();
            return source.apply(ids)
                    .call(loaded -> fillAll(ids, loaded, toLoad))
                    .map(loaded -> {
                        found.putAll(loaded);
                        return found;
                    });
        });
    }

    private Uni<Void> fillAll(List<K> ids, Map<K, V> loaded, Map<K, CacheLookup<V>> misses) {
        List<FencedEntries.Fill> fills = new ArrayList<>(ids.size());
        for (K id : ids) {
            String fence = misses.get(id).fence();
            if (fence == null) {
                continue;
            }
            Optional<V> value = Optional.ofNullable(loaded.get(id));
            long ttlMillis = value.isPresent() ? ttl.nextMillis() : negativeTtl.nextMillis();
            fills.add(new FencedEntries.Fill(key(id), fence, format.encode(value), ttlMillis));
        }
        return fences.fillAll(fills);
    }

    private String key(K id) {
        return keys.value(keyRenderer.apply(id));
    }
}
