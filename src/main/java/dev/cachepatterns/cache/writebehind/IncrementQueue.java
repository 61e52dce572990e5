package dev.cachepatterns.cache.writebehind;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.hash.ReactiveHashCommands;
import io.smallrye.mutiny.Uni;
import org.jboss.logging.Logger;

import dev.cachepatterns.cache.redis.LuaScript;
import dev.cachepatterns.cache.redis.RedisGuard;
import dev.cachepatterns.cache.redis.RedisUnavailableException;

/**
 * The accepting side of write-behind. One script checks the backlog bound, appends the increment to the stream (entity,
 * field, delta and a random accept id) and adds the delta to the pending hash, atomically; the caller is answered only
 * after it returned, so with AOF an accepted increment survives a crash of the app and of Redis. When Redis is
 * unavailable, or the backlog is full with {@code overflow = synchronous}, the increment is committed to Postgres at
 * once, with its accept id in the ledger, so an increment whose script did run despite a time-out still counts once.
 */
final class IncrementQueue {

    private static final Logger LOG = Logger.getLogger(IncrementQueue.class);
    private static final LuaScript ACCEPT = LuaScript.load(IncrementQueue.class, "accept.lua");

    private final Component component;
    private final WriteBehindSettings settings;
    private final List<String> fields;
    private final StreamKeys keys;
    private final WriteBehindSink sink;
    private final Function<String, String> cachedCopyKey;
    private final ReactiveRedisDataSource redis;
    private final ReactiveHashCommands<String, String, String> hashes;
    private final RedisGuard guard;
    private final AppliedLedger ledger;

    IncrementQueue(
            Component component, WriteBehindSink sink, Function<String, String> cachedCopyKey, AppliedLedger ledger) {
        this.component = component;
        this.settings = component.settings();
        this.fields = component.fields();
        this.keys = component.keys();
        this.sink = sink;
        this.cachedCopyKey = cachedCopyKey;
        this.redis = component.redis();
        this.hashes = redis.hash(String.class, String.class, String.class);
        this.guard = component.guard();
        this.ledger = ledger;
    }

    Uni<WriteBehind.Accepted> increment(String entity, String field, long delta, UUID acceptId) {
        StreamEntry.requireEntity(entity);
        if (!fields.contains(field)) {
            throw new IllegalArgumentException("unknown field '" + field + "'");
        }
        if (!StreamEntry.validDelta(delta)) {
            throw new IllegalArgumentException(
                    "delta must be non-zero and at most " + StreamEntry.MAX_DELTA + " in size");
        }
        List<String> args = new ArrayList<>(5 + fields.size());
        args.add(Long.toString(settings.maxBacklog()));
        args.add(entity);
        args.add(field);
        args.add(Long.toString(delta));
        args.add(acceptId.toString());
        args.addAll(fields);
        return guard.call(() -> ACCEPT.run(redis, List.of(keys.stream(), keys.pending()), args))
                .flatMap(reply -> {
                    if (reply.get(0).toInteger() == 1) {
                        Map<String, Long> pending = new LinkedHashMap<>();
                        for (int i = 0; i < fields.size(); i++) {
                            pending.put(
                                    fields.get(i), parseLong(reply.get(2 + i).toString()));
                        }
                        return Uni.createFrom().item(new WriteBehind.Accepted(true, pending));
                    }
                    return overflow(entity, field, delta, acceptId, reply.get(1).toLong());
                })
                .onFailure(RedisUnavailableException.class)
                .recoverWithUni(failure -> {
                    LOG.debugf(
                            "%s: Redis unavailable (%s), writing %s.%s synchronously",
                            component.name(), failure, entity, field);
                    return writeNow(entity, field, delta, acceptId);
                });
    }

    Uni<Map<String, Long>> pending(String entity) {
        StreamEntry.requireEntity(entity);
        String[] hashFields = fields.stream().map(f -> entity + ':' + f).toArray(String[]::new);
        return guard.call(() -> hashes.hmget(keys.pending(), hashFields))
                .map(found -> {
                    Map<String, Long> pending = new LinkedHashMap<>();
                    for (int i = 0; i < fields.size(); i++) {
                        pending.put(fields.get(i), parseLong(found.get(hashFields[i])));
                    }
                    return pending;
                })
                .onFailure(RedisUnavailableException.class)
                .recoverWithItem(Map.of());
    }

    private Uni<WriteBehind.Accepted> overflow(String entity, String field, long delta, UUID acceptId, long backlog) {
        if (settings.overflow() == WriteBehindSettings.Overflow.SYNCHRONOUS) {
            return writeNow(entity, field, delta, acceptId);
        }
        component.metrics().rejected();
        return Uni.createFrom()
                .failure(new WriteBehindRejectedException(
                        "The write-behind backlog holds " + backlog + " entries, its bound; retry shortly.",
                        settings.retryAfter()));
    }

    private Uni<WriteBehind.Accepted> writeNow(String entity, String field, long delta, UUID acceptId) {
        // Within the source deadline: a hung Postgres answers this caller 503, not after the hang.
        return component
                .source()
                .inTransaction(tx -> ledger.recordOne(tx, acceptId)
                        .flatMap(fresh -> fresh
                                ? sink.apply(tx, Map.of(entity, Map.of(field, delta)))
                                : Uni.createFrom().voidItem()))
                .invoke(component.metrics()::synchronous)
                .call(() -> dropCachedCopy(entity))
                .map(ignored -> new WriteBehind.Accepted(false, Map.of()));
    }

    private Uni<Void> dropCachedCopy(String entity) {
        if (cachedCopyKey == null) {
            return Uni.createFrom().voidItem();
        }
        return guard.call(() -> redis.key(String.class).del(cachedCopyKey.apply(entity)))
                .replaceWithVoid()
                .onFailure()
                .recoverWithNull();
    }

    static long parseLong(String value) {
        if (value == null || value.isEmpty()) {
            return 0;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
