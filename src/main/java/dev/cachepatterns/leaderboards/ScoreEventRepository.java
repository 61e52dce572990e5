package dev.cachepatterns.leaderboards;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;

import dev.cachepatterns.cache.core.SourcePool;
import dev.cachepatterns.cache.refreshahead.PgSnapshot;
import dev.cachepatterns.cache.refreshahead.RankingSource;
import dev.cachepatterns.cache.refreshahead.Standing;
import dev.cachepatterns.cache.refreshahead.Total;
import dev.cachepatterns.cache.refreshahead.Totals;

/**
 * Score events in Postgres, and the per-board aggregates computed from them (the columns are collated "C"): the source
 * of the leaderboard rankings. Each call runs within the source deadline ({@link SourcePool}).
 */
@ApplicationScoped
public class ScoreEventRepository implements RankingSource {

    private static final String TOTALS =
            "SELECT player, SUM(points)::bigint AS total FROM score_events WHERE board = $1 GROUP BY player";

    private final SourcePool source;

    public ScoreEventRepository(SourcePool source) {
        this.source = source;
    }

    /** Records one event; returns the id of the committed transaction, which orders it against rebuild snapshots. */
    public Uni<String> insert(String board, String player, long points) {
        return source.inTransaction(
                        c -> c.preparedQuery("INSERT INTO score_events (board, player, points) VALUES ($1, $2, $3)"
                                        + " RETURNING pg_current_xact_id()::text AS xid")
                                .execute(Tuple.of(board, player, points)))
                .map(rows -> rows.iterator().next().getString("xid"));
    }

    /** Every player's total on {@code board}, read in one snapshot that is returned with them. */
    @Override
    public Uni<Totals> totals(String board) {
        return source.inTransaction(connection -> connection
                .query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                .execute()
                .flatMap(ignored -> connection
                        .query("SELECT pg_current_snapshot()::text AS snapshot")
                        .execute())
                .map(rows -> PgSnapshot.parse(rows.iterator().next().getString("snapshot")))
                .flatMap(snapshot -> connection
                        .preparedQuery(TOTALS)
                        .execute(Tuple.of(board))
                        .map(rows -> {
                            List<Total> totals = new ArrayList<>(rows.rowCount());
                            for (Row row : rows) {
                                totals.add(new Total(row.getString("player"), row.getLong("total")));
                            }
                            return new Totals(snapshot, totals);
                        })));
    }

    /** The first {@code limit} players: highest total first, equal totals by player name (byte order). */
    @Override
    public Uni<List<Standing>> top(String board, int limit) {
        return source.withConnection(c -> c.preparedQuery(TOTALS + " ORDER BY total DESC, player LIMIT $2")
                        .execute(Tuple.of(board, limit)))
                .map(rows -> {
                    List<Standing> top = new ArrayList<>(rows.rowCount());
                    long rank = 0;
                    for (Row row : rows) {
                        top.add(new Standing(row.getString("player"), row.getLong("total"), ++rank));
                    }
                    return top;
                });
    }

    /** One player's total and rank, empty when the player has no event on the board. */
    @Override
    public Uni<Optional<Standing>> standing(String board, String player) {
        return source.withConnection(c -> c.preparedQuery("WITH totals AS (" + TOTALS + ")"
                                + " SELECT me.total, 1 + (SELECT count(*) FROM totals t WHERE t.total > me.total"
                                + " OR (t.total = me.total AND t.player < me.player)) AS rank"
                                + " FROM totals me WHERE me.player = $2")
                        .execute(Tuple.of(board, player)))
                .map(rows -> first(rows, player));
    }

    private static Optional<Standing> first(RowSet<Row> rows, String player) {
        var iterator = rows.iterator();
        if (!iterator.hasNext()) {
            return Optional.empty();
        }
        Row row = iterator.next();
        return Optional.of(new Standing(player, row.getLong("total"), row.getLong("rank")));
    }
}
