package dev.cachepatterns.cache.writebehind;

import java.util.ArrayList;
import java.util.List;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;
import org.jboss.logging.Logger;

import dev.cachepatterns.cache.redis.LuaScript;
import dev.cachepatterns.cache.redis.RedisGuard;

/**
 * Entries that cannot be applied: each failed try of an entry the sink rejected is counted in the failures hash, and an
 * entry that failed {@code max-tries} times, or that is malformed, moves to the dead-letter stream with the reason (and
 * out of the pending counters), counted in {@code write_behind_dead_total}.
 */
final class DeadLetters {

    private static final Logger LOG = Logger.getLogger(DeadLetters.class);
    private static final LuaScript COUNT_FAILURES = LuaScript.load(DeadLetters.class, "count-failures.lua");
    private static final LuaScript DEAD_LETTER =
            LuaScript.load(DeadLetters.class, "take-out-of-pending.lua", "dead-letter.lua");
    private static final int MAX_REASON = 500;

    private final String name;
    private final WriteBehindSettings settings;
    private final StreamKeys keys;
    private final ReactiveRedisDataSource redis;
    private final RedisGuard guard;
    private final WriteBehindMetrics metrics;

    DeadLetters(Component component) {
        this.name = component.name();
        this.settings = component.settings();
        this.keys = component.keys();
        this.redis = component.redis();
        this.guard = component.guard();
        this.metrics = component.metrics();
    }

    /** Counts a failed try of each entry; those that reached {@code max-tries} are dead-lettered. */
    Uni<FlushReport> failed(List<StreamEntry> entries, Throwable failure) {
        LOG.warnf(
                "%s: %d entries of %s failed to apply: %s",
                name, entries.size(), entries.get(0).entity(), failure);
        List<String> ids = entries.stream().map(StreamEntry::streamId).toList();
        return guard.call(() -> COUNT_FAILURES.run(redis, List.of(keys.failures()), ids))
                .flatMap(counts -> {
                    List<String> exhausted = new ArrayList<>();
                    for (int i = 0; i < ids.size(); i++) {
                        if (counts.get(i).toLong() >= settings.maxTries()) {
                            exhausted.add(ids.get(i));
                        }
                    }
                    FlushReport failed = new FlushReport(0, 0, 0, 0, entries.size(), false);
                    if (exhausted.isEmpty()) {
                        return Uni.createFrom().item(failed);
                    }
                    return move(exhausted, "failed " + settings.maxTries() + " times: " + failure)
                            .map(dead -> new FlushReport(0, 0, 0, dead, entries.size(), false));
                })
                .onFailure()
                .recoverWithItem(FlushReport.DEFERRED);
    }

    /** Moves the entries with these stream ids to the dead-letter stream; returns how many it moved. */
    Uni<Long> move(List<String> streamIds, String reason) {
        String shortReason = reason.length() > MAX_REASON ? reason.substring(0, MAX_REASON) : reason;
        List<String> args = new ArrayList<>(streamIds.size() + 2);
        args.add(settings.consumerGroup());
        args.add(shortReason);
        args.addAll(streamIds);
        return guard.call(() -> DEAD_LETTER.run(
                        redis, List.of(keys.stream(), keys.pending(), keys.failures(), keys.dead()), args))
                .map(Response::toLong)
                .invoke(moved -> {
                    metrics.dead(moved);
                    if (moved > 0) {
                        LOG.errorf(
                                "%s: moved %d entries to the dead-letter stream %s: %s",
                                name, moved, keys.dead(), shortReason);
                    }
                });
    }
}
