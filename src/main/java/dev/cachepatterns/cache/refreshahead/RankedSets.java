package dev.cachepatterns.cache.refreshahead;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;

import dev.cachepatterns.cache.redis.LuaScript;
import dev.cachepatterns.cache.redis.RedisGuard;
import dev.cachepatterns.cache.redis.RedisUnavailableException;

/**
 * The Redis side of {@link RankedSetCache}: rankings (member → integer total) as sorted sets, built aside and swapped
 * in under {@link RefreshAhead}'s rebuild lock.
 * Keys of one ranking {@code id}, all under the hash tag {@code {id}} so every script is cluster-safe:
 *
 * <ul>
 *   <li>{@code <prefix>:{id}:scores} — the live sorted set; {@code :scores:next:<lock token>} — the one a rebuild is
 *       building (one key per rebuild, so late commands of another rebuild cannot touch it);
 *   <li>{@code <prefix>:{id}:refreshed-at} — epoch millis of the last rebuild and the snapshot it was built from; it
 *       exists exactly while the ranking is cached (also when the ranking is empty and the set therefore absent) and
 *       carries the TTL;
 *   <li>{@code <prefix>:{id}:lock} — the rebuild lock; {@code <prefix>:{id}:deltas} — increments made while it is held.
 * </ul>
 *
 * <p><b>Order.</b> The set stores {@code -total}, so ascending order (ZRANGE, ZRANK) is "highest total first, equal
 * totals by member in ascending byte order" — deterministic and alphabetical for ASCII names, which ZREVRANGE (equal
 * totals in descending byte order) is not. Ranks are 1-based positions in that order: no shared ranks. Totals are exact
 * up to 2^53.
 *
 * <p><b>Increments</b> ({@link #increment}) run after the change is committed to the source, tagged with the id of the
 * committing Postgres transaction. One script: if the ranking is cached, ZINCRBY the live set (ranks move at once); if
 * a rebuild holds the lock, also append the increment to the delta log.
 *
 * <p><b>Rebuild without losing increments</b> ({@link #beginRebuild}, then {@link #replace}): under the lock, the delta
 * log is cleared, then the source aggregate is read in one REPEATABLE READ transaction together with its snapshot
 * ({@link PgSnapshot}), ZADDed into the rebuild's own {@code :next:<token>} in chunks, and swapped in by one script
 * that (1) gives up if the lock is no longer ours, (2) refuses a set that lacks members (a chunk or the whole set went
 * missing), (3) re-applies every logged increment whose transaction the snapshot did <em>not</em> see, (4) RENAMEs it
 * over the live set, sets the TTL and {@code refreshed-at}, and drops the log and the lock. Clearing the log is fenced
 * with the lock token too: commands Redis runs late (after a client time-out) never touch a newer rebuild's keys. An
 * increment committed before the snapshot is in the aggregate; one committed after it ran its script after the lock was
 * taken and is in the log — so each counts exactly once, however sequence order and commit order interleave. The swap
 * also stores the snapshot with {@code refreshed-at}, and the increment script skips a change that snapshot already saw:
 * an increment delayed past a whole rebuild (a slow pool, a client time-out after Redis ran it late) cannot count twice.
 *
 * <p><b>Failures.</b> Every call goes through {@link RedisGuard} and fails with {@link RedisUnavailableException};
 * {@link RankedSetCache} then serves from the source. An increment that cannot reach Redis is still in the source and is in the ranking after
 * the next rebuild (see {@link RefreshAhead#markDirty}).
 */
final class RankedSets {

    /** The first entries of a cached ranking, when it was built and how long it has left. */
    record Top(Instant refreshedAt, long pttlMillis, List<Standing> entries) {
        boolean emptyRanking() {
            return entries.isEmpty();
        }
    }

    /** One member of a cached ranking: empty standing when the member has no score. */
    record Member(Instant refreshedAt, long pttlMillis, Optional<Standing> standing, boolean emptyRanking) {}

    /** Result of an increment: the member's new standing, when the ranking is cached. */
    record Increment(Optional<Standing> standing) {}

    private static final LuaScript TOP = LuaScript.load(RankedSets.class, "top.lua");
    private static final LuaScript MEMBER = LuaScript.load(RankedSets.class, "member.lua");
    private static final LuaScript INCREMENT = LuaScript.load(RankedSets.class, "seen.lua", "increment.lua");
    private static final LuaScript BEGIN = LuaScript.load(RankedSets.class, "begin-rebuild.lua");
    private static final LuaScript SWAP = LuaScript.load(RankedSets.class, "seen.lua", "swap.lua");

    private final RefreshAhead ahead;
    private final ReactiveRedisDataSource redis;
    private final RedisGuard guard;
    private final int chunkSize;

    RankedSets(RefreshAhead ahead, ReactiveRedisDataSource redis, RedisGuard guard, int chunkSize) {
        this.ahead = ahead;
        this.redis = redis;
        this.guard = guard;
        this.chunkSize = chunkSize;
    }

    String scoresKey(String id) {
        return ahead.keys().of(id, "scores");
    }

    private String deltasKey(String id) {
        return ahead.keys().of(id, "deltas");
    }

    /** The first {@code n} entries, or empty when the ranking is not cached. */
    Uni<Optional<Top>> top(String id, int n) {
        return guard.call(() ->
                        TOP.run(redis, List.of(scoresKey(id), ahead.refreshedAtKey(id)), List.of(String.valueOf(n))))
                .map(reply -> {
                    if (reply == null) {
                        return Optional.empty();
                    }
                    Response flat = reply.get(2);
                    List<Standing> entries = new ArrayList<>(flat.size() / 2);
                    for (int i = 0; i + 1 < flat.size(); i += 2) {
                        entries.add(new Standing(
                                flat.get(i).toString(),
                                fromStored(flat.get(i + 1).toString()),
                                i / 2 + 1));
                    }
                    return Optional.of(
                            new Top(instant(reply.get(0)), reply.get(1).toLong(), entries));
                });
    }

    /** One member's standing, or empty when the ranking is not cached. */
    Uni<Optional<Member>> member(String id, String member) {
        return guard.call(() -> MEMBER.run(redis, List.of(scoresKey(id), ahead.refreshedAtKey(id)), List.of(member)))
                .map(reply -> {
                    if (reply == null) {
                        return Optional.empty();
                    }
                    boolean empty = reply.size() == 3 && reply.get(2).toLong() == 0;
                    Optional<Standing> standing = reply.size() < 4
                            ? Optional.empty()
                            : Optional.of(new Standing(
                                    member,
                                    fromStored(reply.get(2).toString()),
                                    reply.get(3).toLong() + 1));
                    return Optional.of(
                            new Member(instant(reply.get(0)), reply.get(1).toLong(), standing, empty));
                });
    }

    /**
     * Adds {@code points} to {@code member}, after the change was committed in the source by transaction {@code xid}
     * ({@code pg_current_xact_id()}). Returns the new standing when the ranking is cached.
     */
    Uni<Increment> increment(String id, String member, long points, String xid) {
        long deltaTtl = ahead.settings().lockLease().toMillis() * 2;
        return guard.call(() -> INCREMENT.run(
                        redis,
                        List.of(scoresKey(id), ahead.refreshedAtKey(id), ahead.lockKey(id), deltasKey(id)),
                        List.of(member, toStored(points), xid, String.valueOf(deltaTtl))))
                .map(reply -> reply == null
                        ? new Increment(Optional.empty())
                        : new Increment(Optional.of(new Standing(
                                member,
                                fromStored(reply.get(0).toString()),
                                reply.get(1).toLong() + 1))));
    }

    /**
     * First step of a rebuild, under the lock and before the source is read: drops a delta log left by an abandoned
     * rebuild. False (and nothing dropped) when {@code lockToken} no longer holds the lock.
     */
    Uni<Boolean> beginRebuild(String id, String lockToken) {
        return guard.call(() -> BEGIN.run(redis, List.of(ahead.lockKey(id), deltasKey(id)), List.of(lockToken)))
                .map(reply -> reply != null && reply.toLong() == 1L);
    }

    /**
     * The key a rebuild holding {@code lockToken} builds its set in. One per rebuild: commands of another rebuild that
     * Redis runs late (a client time-out, an expired lease) can neither delete nor overwrite it.
     */
    String nextKey(String id, String lockToken) {
        return ahead.keys().of(id, "scores:next:" + lockToken);
    }

    /**
     * Builds {@code totals} (taken under {@code snapshot}) aside, then swaps them in with the increments the snapshot
     * did not see, if {@code lockToken} still holds the lock. True when swapped.
     */
    Uni<Boolean> replace(String id, String lockToken, List<Total> totals, PgSnapshot snapshot) {
        return build(id, lockToken, totals).flatMap(ignored -> swap(id, lockToken, totals.size(), snapshot));
    }

    /**
     * ZADDs {@code totals} into the rebuild's own key ({@link #nextKey}), in chunks; each chunk renews a PEXPIRE of one
     * lock lease, so an abandoned build (or a chunk Redis ran after its swap) cannot leak.
     */
    Uni<Void> build(String id, String lockToken, List<Total> totals) {
        String next = nextKey(id, lockToken);
        long leaseMillis = ahead.settings().lockLease().toMillis();
        List<List<Total>> chunks = new ArrayList<>();
        for (int from = 0; from < totals.size(); from += chunkSize) {
            chunks.add(totals.subList(from, Math.min(totals.size(), from + chunkSize)));
        }
        return Multi.createFrom()
                .iterable(chunks)
                .onItem()
                .transformToUniAndConcatenate(chunk -> guard.call(() -> redis.getRedis()
                        .batch(List.of(
                                zadd(next, chunk),
                                Request.cmd(Command.PEXPIRE).arg(next).arg(leaseMillis)))))
                .collect()
                .last()
                .replaceWithVoid();
    }

    /**
     * Swaps the set built by {@link #build} in, if {@code lockToken} still holds the lock (true) — else drops it
     * (false). Fails with {@link IncompleteBuildException} when the set does not hold {@code expectedMembers} (a chunk
     * or the whole set went missing): the current ranking stays and the next trigger rebuilds.
     */
    Uni<Boolean> swap(String id, String lockToken, int expectedMembers, PgSnapshot snapshot) {
        long ttlMillis = ahead.ttl().toMillis();
        return guard.call(() -> SWAP.run(
                        redis,
                        List.of(
                                nextKey(id, lockToken),
                                scoresKey(id),
                                ahead.refreshedAtKey(id),
                                ahead.lockKey(id),
                                deltasKey(id)),
                        List.of(
                                lockToken,
                                String.valueOf(ttlMillis),
                                String.valueOf(System.currentTimeMillis()),
                                snapshot.xmin(),
                                snapshot.xmax(),
                                snapshot.inProgressCsv(),
                                String.valueOf(expectedMembers),
                                String.valueOf(Math.min(
                                        ttlMillis, ahead.settings().emptyTtl().toMillis())))))
                .flatMap(reply -> {
                    long result = reply == null ? 0 : reply.toLong();
                    if (result < 0) {
                        return Uni.createFrom().failure(new IncompleteBuildException(id, expectedMembers));
                    }
                    return Uni.createFrom().item(result == 1L);
                });
    }

    /** The set built aside lacked members when it was to be swapped in; it was dropped. */
    static final class IncompleteBuildException extends IllegalStateException {
        IncompleteBuildException(String id, int expectedMembers) {
            super("the ranking " + id + " built aside is incomplete (expected " + expectedMembers
                    + " members); not swapped in");
        }
    }

    private static Request zadd(String key, List<Total> chunk) {
        Request request = Request.cmd(Command.ZADD).arg(key);
        for (Total total : chunk) {
            request.arg(toStored(total.score())).arg(total.member());
        }
        return request;
    }

    private static String toStored(long score) {
        return Long.toString(-score);
    }

    private static long fromStored(String stored) {
        return -Math.round(Double.parseDouble(stored));
    }

    // "<epoch millis> <snapshot>"; a bare number (older format) is read too.
    private static Instant instant(Response refreshedAt) {
        String value = refreshedAt.toString();
        int space = value.indexOf(' ');
        return Instant.ofEpochMilli(Long.parseLong(space < 0 ? value : value.substring(0, space)));
    }
}
