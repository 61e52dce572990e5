package dev.cachepatterns.cache.refreshahead;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.sortedset.ScoredValue;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Transaction;
import io.vertx.mutiny.sqlclient.Tuple;
import org.awaitility.Awaitility;

/**
 * The test-only source of truth of the refresh-ahead tests: score events in {@code cache_test_score_events} and the
 * {@link RankingSource} over them (each member's total; highest first, equal totals by member in byte order). A test
 * can hold the next rebuild's read of the totals ({@link #holdNextTotals}) just before or just after it takes its
 * snapshot, to commit increments exactly there, and counts the rebuild reads ({@link #totalsReads}).
 */
final class ScoreTable implements RankingSource {

    static final Duration WAIT = Duration.ofSeconds(30);

    /** Where a held read of the totals waits: before its snapshot is taken, or after it read the totals. */
    enum Stage {
        BEFORE_SNAPSHOT,
        AFTER_SNAPSHOT
    }

    /** A held read of the totals. */
    static final class Hold {
        private final Stage stage;
        private final CompletableFuture<Void> reached = new CompletableFuture<>();
        private final CompletableFuture<Void> released = new CompletableFuture<>();

        private Hold(Stage stage) {
            this.stage = stage;
        }

        /** Waits until a rebuild's read of the totals is waiting here. */
        void awaitReached() {
            Awaitility.await().atMost(WAIT).until(reached::isDone);
        }

        boolean reached() {
            return reached.isDone();
        }

        void release() {
            released.complete(null);
        }
    }

    private static final String TOTALS = "SELECT member, SUM(points)::bigint AS total FROM cache_test_score_events"
            + " WHERE ranking = $1 GROUP BY member";

    private final Pool pool;
    private final AtomicInteger totalsReads = new AtomicInteger();
    private final AtomicReference<Hold> hold = new AtomicReference<>();

    ScoreTable(Pool pool) {
        this.pool = pool;
        pool.query("CREATE TABLE IF NOT EXISTS cache_test_score_events (id BIGSERIAL PRIMARY KEY,"
                        + " ranking TEXT NOT NULL, member TEXT COLLATE \"C\" NOT NULL, points BIGINT NOT NULL)")
                .execute()
                .flatMap(ignored -> pool.query("CREATE INDEX IF NOT EXISTS cache_test_score_events_ranking"
                                + " ON cache_test_score_events (ranking)")
                        .execute())
                .await()
                .atMost(WAIT);
    }

    static String unique(String hint) {
        return hint + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Records one score event; returns the id of the committed transaction. */
    Uni<String> insert(String ranking, String member, long points) {
        return pool.preparedQuery("INSERT INTO cache_test_score_events (ranking, member, points) VALUES ($1, $2, $3)"
                        + " RETURNING pg_current_xact_id()::text AS xid")
                .execute(Tuple.of(ranking, member, points))
                .map(rows -> rows.iterator().next().getString("xid"));
    }

    String add(String ranking, String member, long points) {
        return insert(ranking, member, points).await().atMost(WAIT);
    }

    /** A score event inserted in a transaction that stays open until {@link Open#commit}. */
    Open open(String ranking, String member, long points) {
        SqlConnection connection = pool.getConnection().await().atMost(WAIT);
        Transaction transaction = connection.begin().await().atMost(WAIT);
        String xid = connection
                .preparedQuery("INSERT INTO cache_test_score_events (ranking, member, points) VALUES ($1, $2, $3)"
                        + " RETURNING pg_current_xact_id()::text AS xid")
                .execute(Tuple.of(ranking, member, points))
                .await()
                .atMost(WAIT)
                .iterator()
                .next()
                .getString("xid");
        return new Open(connection, transaction, xid);
    }

    record Open(SqlConnection connection, Transaction transaction, String xid) {
        void commit() {
            transaction.commit().await().atMost(WAIT);
            connection.close().await().atMost(WAIT);
        }
    }

    /** The ranking as Postgres computes it from the events: what every read must answer. */
    List<Standing> computed(String ranking) {
        return top(ranking, Integer.MAX_VALUE).await().atMost(WAIT);
    }

    /** The next read of the totals waits at {@code stage} until the returned hold is released. */
    Hold holdNextTotals(Stage stage) {
        Hold next = new Hold(stage);
        hold.set(next);
        return next;
    }

    /** How often a rebuild read the totals. */
    int totalsReads() {
        return totalsReads.get();
    }

    @Override
    public Uni<Totals> totals(String ranking) {
        return Uni.createFrom().deferred(() -> {
            totalsReads.incrementAndGet();
            return pool.withTransaction(connection -> connection
                    .query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                    .execute()
                    .flatMap(ignored -> pass(Stage.BEFORE_SNAPSHOT))
                    .flatMap(ignored -> connection
                            .query("SELECT pg_current_snapshot()::text AS snapshot")
                            .execute())
                    .map(rows -> PgSnapshot.parse(rows.iterator().next().getString("snapshot")))
                    .flatMap(snapshot -> connection
                            .preparedQuery(TOTALS)
                            .execute(Tuple.of(ranking))
                            .map(rows -> {
                                List<Total> totals = new ArrayList<>(rows.rowCount());
                                for (Row row : rows) {
                                    totals.add(new Total(row.getString("member"), row.getLong("total")));
                                }
                                return new Totals(snapshot, totals);
                            }))
                    .call(ignored -> pass(Stage.AFTER_SNAPSHOT)));
        });
    }

    // A hold catches one read: the first that reaches its stage.
    private Uni<Void> pass(Stage stage) {
        Hold current = hold.get();
        if (current == null || current.stage != stage || !hold.compareAndSet(current, null)) {
            return Uni.createFrom().voidItem();
        }
        current.reached.complete(null);
        return Uni.createFrom().completionStage(current.released);
    }

    @Override
    public Uni<List<Standing>> top(String ranking, int n) {
        return pool.preparedQuery(TOTALS + " ORDER BY total DESC, member LIMIT $2")
                .execute(Tuple.of(ranking, n))
                .map(rows -> {
                    List<Standing> top = new ArrayList<>(rows.rowCount());
                    long rank = 0;
                    for (Row row : rows) {
                        top.add(new Standing(row.getString("member"), row.getLong("total"), ++rank));
                    }
                    return top;
                });
    }

    @Override
    public Uni<Optional<Standing>> standing(String ranking, String member) {
        return pool.preparedQuery("WITH totals AS (" + TOTALS + ")"
                        + " SELECT me.total, 1 + (SELECT count(*) FROM totals t WHERE t.total > me.total"
                        + " OR (t.total = me.total AND t.member < me.member)) AS rank"
                        + " FROM totals me WHERE me.member = $2")
                .execute(Tuple.of(ranking, member))
                .map(rows -> first(rows, member));
    }

    private static Optional<Standing> first(RowSet<Row> rows, String member) {
        var iterator = rows.iterator();
        if (!iterator.hasNext()) {
            return Optional.empty();
        }
        Row row = iterator.next();
        return Optional.of(new Standing(member, row.getLong("total"), row.getLong("rank")));
    }

    /** The live sorted set of {@code ranking} as (member, total), in rank order; stored negated, see RankedSets. */
    static List<Total> liveSet(RedisDataSource redis, RankedSetCache cache, String ranking) {
        List<ScoredValue<String>> live =
                redis.sortedSet(String.class).zrangeWithScores(cache.sets().scoresKey(ranking), 0, -1);
        return live.stream()
                .map(v -> new Total(v.value(), -Math.round(v.score())))
                .toList();
    }

    static List<Total> totalsOf(List<Standing> standings) {
        return standings.stream().map(s -> new Total(s.member(), s.score())).toList();
    }

    static double counter(MeterRegistry registry, String meter, String cache, String tag, String value) {
        Counter counter =
                registry.find(meter).tag("cache", cache).tag(tag, value).counter();
        return counter == null ? 0 : counter.count();
    }

    static double counter(MeterRegistry registry, String meter, String cache) {
        Counter counter = registry.find(meter).tag("cache", cache).counter();
        return counter == null ? 0 : counter.count();
    }

    /** Source reads of a cache, as the design counts them: {@code cache_loads_total{cache}}. */
    static double loads(MeterRegistry registry, String cache) {
        return counter(registry, "cache.loads", cache, "result", "success")
                + counter(registry, "cache.loads", cache, "result", "failure");
    }
}
