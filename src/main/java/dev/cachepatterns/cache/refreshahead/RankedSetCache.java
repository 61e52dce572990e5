package dev.cachepatterns.cache.refreshahead;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import io.smallrye.mutiny.Uni;

import dev.cachepatterns.cache.core.SingleFlight;
import dev.cachepatterns.cache.redis.RedisUnavailableException;

/**
 * Refresh-ahead rankings (member → integer total) on Redis sorted sets, over a {@link RankingSource}. Built by {@link
 * RefreshAheadFactory#rankings}, which also runs the scheduled refresh of the hot rankings.
 *
 * <ul>
 *   <li><b>Reads</b> ({@link #top}, {@link #member}) are served from the sorted set while it is cached; a read that
 *       finds it close to its TTL starts a rebuild in the background, and rankings read within {@code hot-window} are
 *       rebuilt by the schedule before they expire, so hot reads never miss. A ranking Redis does not hold is read from
 *       the source (concurrent readers share one query) and rebuilt in the background; when Redis fails, reads are
 *       served by the source ({@code cache_fallbacks_total}). Redis failures never reach the caller.
 *   <li><b>Writes</b> ({@link #increment}) are committed to the source first, then applied to the cached set with the
 *       id of the committing transaction, so ranks move at once and an increment is counted exactly once even while a
 *       rebuild runs. An increment that cannot reach Redis is in the ranking after the next scheduled rebuild.
 *   <li><b>Rebuilds</b> run one at a time per ranking across instances (a lock with a fenced token), build the new set
 *       aside from the source's totals and swap it in atomically with the increments its snapshot did not see.
 * </ul>
 *
 * <p>Consistency: a read never sees a ranking without an increment that was acknowledged to its writer (unless Redis
 * failed for that write; then until the next rebuild). See {@code docs/refresh-ahead.md}.
 */
public final class RankedSetCache {

    private final RefreshAheadSettings settings;
    private final RefreshAhead ahead;
    private final RankedSets sets;
    private final RankingSource source;
    private final SingleFlight<List<Standing>> sourceTops = new SingleFlight<>();
    private final SingleFlight<Optional<Standing>> sourceStandings = new SingleFlight<>();

    RankedSetCache(RefreshAhead ahead, RankedSets sets, RankingSource source) {
        this.settings = ahead.settings();
        this.ahead = ahead;
        this.sets = sets;
        this.source = source;
        ahead.rebuildWith(this::rebuild);
    }

    /** The first {@code n} members of ranking {@code id} (an empty list for a ranking without scores). */
    public Uni<Ranking> top(String id, int n) {
        if (!settings.enabled()) {
            return topFromSource(id, n);
        }
        return ahead.read(
                id,
                sets.top(id, n),
                RankedSets.Top::pttlMillis,
                RankedSets.Top::emptyRanking,
                top -> new Ranking(top.entries(), top.refreshedAt()),
                () -> topFromSource(id, n));
    }

    /** The member's total and rank, empty when the member has no score in ranking {@code id}. */
    public Uni<Optional<Standing>> member(String id, String member) {
        if (!settings.enabled()) {
            return standingFromSource(id, member);
        }
        return ahead.read(
                id,
                sets.member(id, member),
                RankedSets.Member::pttlMillis,
                RankedSets.Member::emptyRanking,
                RankedSets.Member::standing,
                () -> standingFromSource(id, member));
    }

    /**
     * Adds {@code points} to {@code member} after the source committed that change in transaction {@code xid} ({@code
     * pg_current_xact_id()}); returns the member's new standing.
     */
    public Uni<Standing> increment(String id, String member, long points, String xid) {
        if (!settings.enabled()) {
            return committedStanding(id, member);
        }
        return sets.increment(id, member, points, xid)
                .map(RankedSets.Increment::standing)
                .onFailure(RedisUnavailableException.class)
                .recoverWithItem(() -> {
                    // Committed, but the cached set missed it: the next scheduled run rebuilds the ranking.
                    ahead.onFallback();
                    ahead.markDirty(id);
                    return Optional.empty();
                })
                .flatMap(cached ->
                        cached.isPresent() ? Uni.createFrom().item(cached.get()) : committedStanding(id, member));
    }

    /**
     * Rebuilds ranking {@code id} from the source now (e.g. after a bulk change made outside this service), unless a
     * rebuild of it runs already here or on another instance. True when a new ranking was swapped in. Counted like a
     * scheduled refresh.
     */
    public Uni<Boolean> rebuild(String id) {
        return refresh(id, RefreshAhead.Trigger.SCHEDULE);
    }

    /** Rebuilds ranking {@code id} now unless a rebuild of it runs already (here or on another instance). */
    Uni<Boolean> refresh(String id, RefreshAhead.Trigger trigger) {
        return ahead.refresh(id, trigger);
    }

    /** One run of the schedule: rebuilds the hot rankings whose TTL runs low. */
    Uni<Integer> refreshHot() {
        return ahead.refreshHot();
    }

    RefreshAhead refreshAhead() {
        return ahead;
    }

    RankedSets sets() {
        return sets;
    }

    // Runs under the ranking's rebuild lock (see RefreshAhead): clear the delta log, then read the aggregate and its
    // snapshot, so every increment committed after the snapshot is in the log the swap replays. A lock lost already
    // (lease ran out) skips the read.
    private Uni<Boolean> rebuild(String id, String lockToken) {
        return sets.beginRebuild(id, lockToken)
                .flatMap(ours -> !ours
                        ? Uni.createFrom().item(false)
                        : ahead.load(() -> source.totals(id))
                                .flatMap(loaded -> sets.replace(id, lockToken, loaded.totals(), loaded.snapshot())
                                        .invoke(swapped -> {
                                            if (swapped && loaded.totals().isEmpty()) {
                                                ahead.forgetHot(id);
                                            }
                                        })));
    }

    // Concurrent readers of one ranking that is not cached share one query; it is being rebuilt meanwhile.
    private Uni<Ranking> topFromSource(String id, int n) {
        return sourceTops
                .run(id + '/' + n, () -> ahead.load(() -> source.top(id, n)))
                .map(entries -> new Ranking(entries, Instant.now()));
    }

    private Uni<Optional<Standing>> standingFromSource(String id, String member) {
        return sourceStandings.run(id + '/' + member, () -> ahead.load(() -> source.standing(id, member)));
    }

    // Not single-flighted: it must see the caller's own, just committed change.
    private Uni<Standing> committedStanding(String id, String member) {
        return ahead.load(() -> source.standing(id, member))
                .map(found -> found.orElseThrow(
                        () -> new IllegalStateException("a committed change of " + member + " is not visible")));
    }
}
