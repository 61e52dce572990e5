package dev.cachepatterns.cache.aside;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;

import dev.cachepatterns.cache.core.CacheLookup;
import dev.cachepatterns.cache.core.CacheMetrics;
import dev.cachepatterns.cache.core.EntryFormat;
import dev.cachepatterns.cache.redis.LuaScript;
import dev.cachepatterns.cache.redis.MultiKeyCommands;
import dev.cachepatterns.cache.redis.RedisGuard;

/**
 * Fenced fills, the leases of "Scaling Memcache at Facebook" (NSDI 2013) kept in the entry itself: before a load whose
 * result will be cached, the reader stores a random fence marker in the empty entry ({@code open-fence.lua}); the fill
 * stores the loaded value only if the entry still holds that marker ({@code fill-fenced.lua}). An invalidation is a
 * {@code DEL} of the entry, so it removes the marker and revokes every outstanding fence: a value loaded before a write
 * committed can no longer land after that write's invalidation. One key per script call, so it works unchanged on a
 * Redis Cluster. A reader that finds another reader's fence adopts it (that fence was opened after the last
 * invalidation, as its own miss was); an entry that cannot be decoded is fenced by its own content. Fences expire with
 * the lock lease, so a crashed reader leaves nothing behind for longer than that; a fill after its fence expired is
 * refused too.
 */
final class FencedEntries<V> {

    private static final LuaScript OPEN = LuaScript.load(FencedEntries.class, "open-fence.lua");
    private static final LuaScript FILL = LuaScript.load(FencedEntries.class, "fill-fenced.lua");
    private static final LuaScript DROP_IF_STILL = LuaScript.load(FencedEntries.class, "drop-if-still.lua");
    private static final LuaScript DROP_UNLESS_VALUE = LuaScript.load(FencedEntries.class, "drop-unless-value.lua");

    private final ReactiveRedisDataSource redis;
    private final RedisGuard guard;
    private final MultiKeyCommands multiKey;
    private final EntryFormat<V> format;
    private final CacheMetrics metrics;
    private final String leaseMillis;

    /** One fenced fill of a bulk read. */
    record Fill(String key, String fence, String payload, long ttlMillis) {}

    FencedEntries(
            ReactiveRedisDataSource redis,
            RedisGuard guard,
            MultiKeyCommands multiKey,
            EntryFormat<V> format,
            CacheMetrics metrics,
            Duration lease) {
        this.redis = redis;
        this.guard = guard;
        this.multiKey = multiKey;
        this.format = format;
        this.metrics = metrics;
        this.leaseMillis = String.valueOf(Math.max(1, lease.toMillis()));
    }

    /** The entry's value if someone filled it, else a miss carrying the fence to fill it with; never fails. */
    Uni<CacheLookup<V>> open(String key) {
        return guard.call(() -> OPEN.run(redis, List.of(key), List.of(EntryFormat.newFence(), leaseMillis)))
                .map(reply -> format.opened(reply == null ? null : reply.toString()))
                .onFailure()
                .recoverWithItem(CacheLookup.unavailable());
    }

    /** {@link #open} for many keys, sent per hash slot; the answers are in the order of {@code keys}. */
    Uni<List<CacheLookup<V>>> openAll(List<String> keys) {
        List<MultiKeyCommands.Keyed> commands = new ArrayList<>(keys.size());
        for (String key : keys) {
            commands.add(new MultiKeyCommands.Keyed(key, script(OPEN, key, EntryFormat.newFence(), leaseMillis)));
        }
        return guard.call(() -> multiKey.replies(commands))
                .map(replies -> replies.stream()
                        .map(reply -> format.opened(reply == null ? null : reply.toString()))
                        .toList())
                .onFailure()
                .recoverWithItem(() ->
                        keys.stream().map(key -> CacheLookup.<V>unavailable()).toList());
    }

    /** Stores {@code payload} if {@code fence} is still in the entry; a refusal is counted. Never fails. */
    Uni<Void> fill(String key, String fence, String payload, long ttlMillis) {
        return guard.call(() -> FILL.run(redis, List.of(key), List.of(fence, payload, String.valueOf(ttlMillis))))
                .invoke(reply -> counted(reply))
                .replaceWithVoid()
                .onFailure()
                .recoverWithNull();
    }

    /** {@link #fill} for many keys, sent per hash slot. Never fails. */
    Uni<Void> fillAll(List<Fill> fills) {
        if (fills.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<MultiKeyCommands.Keyed> commands = new ArrayList<>(fills.size());
        for (Fill fill : fills) {
            commands.add(new MultiKeyCommands.Keyed(
                    fill.key(),
                    script(FILL, fill.key(), fill.fence(), fill.payload(), String.valueOf(fill.ttlMillis()))));
        }
        return guard.call(() -> multiKey.replies(commands))
                .invoke(replies -> replies.forEach(this::counted))
                .replaceWithVoid()
                .onFailure()
                .recoverWithNull();
    }

    /** Deletes the entry only if it still holds {@code raw} (a repair that spares a value filled since). */
    Uni<Boolean> dropIfStill(String key, String raw) {
        return guard.call(() -> DROP_IF_STILL.run(redis, List.of(key), List.of(raw)))
                .map(reply -> reply != null && reply.toLong() == 1L);
    }

    /** Deletes an "absent" marker or a fence (a row was inserted), leaving a value loaded after the insert. */
    Uni<Boolean> dropUnlessValue(String key) {
        return guard.call(() -> DROP_UNLESS_VALUE.run(redis, List.of(key), EntryFormat.markers()))
                .map(reply -> reply != null && reply.toLong() == 1L);
    }

    private void counted(Response reply) {
        if (reply == null || reply.toLong() != 1L) {
            metrics.fenceRejected();
        }
    }

    // EVAL rather than EVALSHA in a pipeline: a NOSCRIPT reply would fail the whole batch, and these bodies are small.
    private static Request script(LuaScript script, String key, String... args) {
        Request request = Request.cmd(Command.EVAL).arg(script.source()).arg(1).arg(key);
        for (String arg : args) {
            request.arg(arg);
        }
        return request;
    }
}
