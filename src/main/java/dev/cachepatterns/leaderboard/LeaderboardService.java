package dev.cachepatterns.leaderboard;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

import dev.cachepatterns.cache.RankedSetCache;
import dev.cachepatterns.cache.RankedSetCache.Standing;
import dev.cachepatterns.cache.RedisUnavailableException;
import dev.cachepatterns.cache.RefreshAhead;
import dev.cachepatterns.cache.RefreshAheadFactory;
import dev.cachepatterns.cache.SingleFlight;

/**
 * Leaderboards on refresh-ahead over Redis sorted sets. Postgres keeps every score event; a board's ranking (each
 * player's total) is an aggregate that grows slow with the events, so reads are served from a sorted set that
 * refresh-ahead keeps built while the board is read. A new score is committed to Postgres first and then applied to the
 * cached set, so ranks move at once and no score is lost when Redis fails (the next rebuild has it).
 */
@ApplicationScoped
public class LeaderboardService {

    static final String CACHE = "leaderboards";

    private final ScoreEventRepository repository;
    private final LeaderboardsCacheConfig config;
    private final RefreshAhead ahead;
    private final RankedSetCache boards;
    private final SingleFlight<List<Standing>> sourceTops = new SingleFlight<>();
    private final SingleFlight<Optional<Standing>> sourceStandings = new SingleFlight<>();

    public LeaderboardService(
            ScoreEventRepository repository, LeaderboardsCacheConfig config, RefreshAheadFactory factory) {
        this.repository = repository;
        this.config = config;
        this.ahead = factory.create(CACHE, config);
        this.boards = factory.rankedSets(ahead);
        ahead.rebuildWith(this::rebuild);
    }

    /** Records a score event and returns the player's new total and rank. */
    public Uni<PlayerScore> submit(String board, String player, long points) {
        return repository.insert(board, player, points).flatMap(xid -> {
            if (!config.enabled()) {
                return standingFromSource(board, player);
            }
            return boards.increment(board, player, points, xid)
                    .map(increment -> increment.standing())
                    .onFailure(RedisUnavailableException.class)
                    .recoverWithItem(() -> {
                        // Committed, but the cached set missed it: the next scheduled run rebuilds the board.
                        ahead.onFallback();
                        ahead.markDirty(board);
                        return Optional.empty();
                    })
                    .flatMap(cached -> cached.isPresent()
                            ? Uni.createFrom().item(toPlayerScore(cached.get()))
                            : standingFromSource(board, player));
        });
    }

    /** The first {@code limit} players of the board (an empty list for a board without scores). */
    public Uni<Leaderboard> top(String board, int limit) {
        if (!config.enabled()) {
            return topFromSource(board, limit);
        }
        return servedFromCache(
                board,
                boards.top(board, limit),
                RankedSetCache.Top::pttlMillis,
                top -> toLeaderboard(board, top.entries(), top.refreshedAt()),
                () -> topFromSource(board, limit));
    }

    /** The player's total and rank on the board, empty when the player has no score there. */
    public Uni<Optional<PlayerScore>> player(String board, String player) {
        if (!config.enabled()) {
            return standingOf(board, player);
        }
        return servedFromCache(
                board,
                boards.member(board, player),
                RankedSetCache.Member::pttlMillis,
                member -> member.standing().map(LeaderboardService::toPlayerScore),
                () -> standingOf(board, player));
    }

    /**
     * Answers from the cached board when Redis has it (telling refresh-ahead how much TTL is left), else from Postgres:
     * after a Redis failure as a fallback, for a board not in Redis as a miss (which starts its rebuild).
     */
    private <T, R> Uni<R> servedFromCache(
            String board,
            Uni<Optional<T>> cached,
            ToLongFunction<T> pttlMillis,
            Function<T, R> fromCache,
            Supplier<Uni<R>> fromSource) {
        return cached.onFailure(RedisUnavailableException.class)
                .recoverWithNull()
                .flatMap(found -> {
                    if (found == null) {
                        ahead.onFallback();
                        return fromSource.get();
                    }
                    if (found.isEmpty()) {
                        ahead.onMiss(board);
                        return fromSource.get();
                    }
                    ahead.onHit(board, pttlMillis.applyAsLong(found.get()));
                    return Uni.createFrom().item(fromCache.apply(found.get()));
                });
    }

    /**
     * The board's top N now and then whenever it changes, looked at every {@code stream-interval}. Each look is a read
     * (so a watched board stays hot); a look that fails is skipped, not the end of the stream.
     */
    public Multi<Leaderboard> watch(String board, int limit) {
        return Multi.createFrom().deferred(() -> {
            AtomicReference<List<LeaderboardEntry>> last = new AtomicReference<>();
            return Multi.createFrom()
                    .ticks()
                    .startingAfter(Duration.ofMillis(1))
                    .every(config.streamInterval())
                    .onOverflow()
                    .drop()
                    .onItem()
                    .transformToUniAndConcatenate(
                            tick -> top(board, limit).onFailure().recoverWithNull())
                    .filter(current -> !current.entries().equals(last.getAndSet(current.entries())));
        });
    }

    /** One run of the refresh job: rebuilds the hot boards whose TTL runs low. */
    public Uni<Integer> refreshHotBoards() {
        return ahead.refreshHot();
    }

    /** Rebuilds the board now unless a rebuild of it runs already (here or on another instance). */
    public Uni<Boolean> refresh(String board, RefreshAhead.Trigger trigger) {
        return ahead.refresh(board, trigger);
    }

    RefreshAhead refreshAhead() {
        return ahead;
    }

    RankedSetCache rankedSets() {
        return boards;
    }

    // Runs under the board's rebuild lock (see RefreshAhead): clear the delta log, then read the aggregate and its
    // snapshot, so every increment committed after the snapshot is in the log the swap replays. A lock lost already
    // (lease ran out) skips the read.
    private Uni<Boolean> rebuild(String board, String lockToken) {
        return boards.beginRebuild(board, lockToken)
                .flatMap(ours -> !ours
                        ? Uni.createFrom().item(false)
                        : ahead.load(() -> repository.totals(board))
                                .flatMap(loaded ->
                                        boards.replace(board, lockToken, loaded.totals(), loaded.snapshot())));
    }

    // Concurrent readers of one board that is not cached share one query; the board is being rebuilt meanwhile.
    private Uni<Leaderboard> topFromSource(String board, int limit) {
        return sourceTops
                .run(board + '/' + limit, () -> ahead.load(() -> repository.top(board, limit)))
                .map(entries -> toLeaderboard(board, entries, Instant.now()));
    }

    private Uni<Optional<PlayerScore>> standingOf(String board, String player) {
        return sourceStandings
                .run(board + '/' + player, () -> ahead.load(() -> repository.standing(board, player)))
                .map(found -> found.map(LeaderboardService::toPlayerScore));
    }

    private Uni<PlayerScore> standingFromSource(String board, String player) {
        // Not single-flighted: it must see this caller's own, just committed event.
        return ahead.load(() -> repository.standing(board, player))
                .map(found -> toPlayerScore(
                        found.orElseThrow(() -> new IllegalStateException("a committed score event is not visible"))));
    }

    private static Leaderboard toLeaderboard(String board, List<Standing> standings, Instant refreshedAt) {
        return new Leaderboard(
                board,
                standings.stream()
                        .map(s -> new LeaderboardEntry(s.rank(), s.member(), s.score()))
                        .toList(),
                refreshedAt);
    }

    private static PlayerScore toPlayerScore(Standing standing) {
        return new PlayerScore(standing.member(), standing.score(), standing.rank());
    }
}
