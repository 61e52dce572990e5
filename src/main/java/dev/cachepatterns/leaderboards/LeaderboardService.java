package dev.cachepatterns.leaderboards;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;

import dev.cachepatterns.cache.refreshahead.RankedSetCache;
import dev.cachepatterns.cache.refreshahead.Ranking;
import dev.cachepatterns.cache.refreshahead.RefreshAheadFactory;
import dev.cachepatterns.cache.refreshahead.Standing;

/**
 * Leaderboards on refresh-ahead over Redis sorted sets. Postgres keeps every score event; a board's ranking (each
 * player's total) is an aggregate that grows slow with the events, so reads are served from a sorted set that
 * refresh-ahead keeps built while the board is read. A new score is committed to Postgres first and then applied to the
 * cached set, so ranks move at once and no score is lost when Redis fails (the next rebuild has it). Created at start,
 * so the refresh of hot boards runs from the start too.
 */
@Startup
@ApplicationScoped
public class LeaderboardService {

    public static final String CACHE = "leaderboards";

    private final ScoreEventRepository repository;
    private final LeaderboardsCacheConfig config;
    private final RankedSetCache boards;

    public LeaderboardService(
            ScoreEventRepository repository, LeaderboardsCacheConfig config, RefreshAheadFactory factory) {
        this.repository = repository;
        this.config = config;
        this.boards = factory.rankings(CACHE, config, repository);
    }

    /** Records a score event and returns the player's new total and rank. */
    public Uni<PlayerScore> submit(String board, String player, long points) {
        return repository
                .insert(board, player, points)
                .flatMap(xid -> boards.increment(board, player, points, xid))
                .map(LeaderboardService::toPlayerScore);
    }

    /** The first {@code limit} players of the board (an empty list for a board without scores). */
    public Uni<Leaderboard> top(String board, int limit) {
        return boards.top(board, limit).map(ranking -> toLeaderboard(board, ranking));
    }

    /** The player's total and rank on the board, empty when the player has no score there. */
    public Uni<Optional<PlayerScore>> player(String board, String player) {
        return boards.member(board, player).map(found -> found.map(LeaderboardService::toPlayerScore));
    }

    /** Rebuilds the board from Postgres now, unless a rebuild of it runs already (here or on another instance). */
    public Uni<Boolean> rebuild(String board) {
        return boards.rebuild(board);
    }

    private static Leaderboard toLeaderboard(String board, Ranking ranking) {
        return new Leaderboard(
                board,
                ranking.entries().stream()
                        .map(s -> new LeaderboardEntry(s.rank(), s.member(), s.score()))
                        .toList(),
                ranking.refreshedAt());
    }

    private static PlayerScore toPlayerScore(Standing standing) {
        return new PlayerScore(standing.member(), standing.score(), standing.rank());
    }
}
