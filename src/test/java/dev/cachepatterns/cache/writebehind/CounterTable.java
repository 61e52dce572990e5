package dev.cachepatterns.cache.writebehind;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import org.awaitility.Awaitility;

/**
 * The test-only source of truth of the write-behind tests: the table {@code cache_test_counters} (an entity with two
 * counters) and the {@link WriteBehindSink} over it, which records every batch it is asked to apply. Plus the helpers
 * the tests share: unique entities, reading the counters back, running a flush that is not deferred, metrics.
 */
final class CounterTable implements WriteBehindSink {

    static final String VIEWS = "views";
    static final String LIKES = "likes";
    static final List<String> FIELDS = List.of(VIEWS, LIKES);
    static final Duration WAIT = Duration.ofSeconds(30);

    private final Pool pool;
    private final List<Map<String, Map<String, Long>>> batches = new CopyOnWriteArrayList<>();

    CounterTable(Pool pool) {
        this.pool = pool;
        pool.query("CREATE TABLE IF NOT EXISTS cache_test_counters ("
                        + "entity TEXT PRIMARY KEY, views BIGINT NOT NULL DEFAULT 0, likes BIGINT NOT NULL DEFAULT 0)")
                .execute()
                .await()
                .atMost(WAIT);
    }

    static String unique(String hint) {
        return hint + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A new entity with both counters at zero. */
    String newEntity(String hint) {
        String entity = unique(hint);
        pool.preparedQuery("INSERT INTO cache_test_counters (entity) VALUES ($1)")
                .execute(Tuple.of(entity))
                .await()
                .atMost(WAIT);
        return entity;
    }

    void set(String entity, String field, long value) {
        pool.preparedQuery("UPDATE cache_test_counters SET " + column(field) + " = $2 WHERE entity = $1")
                .execute(Tuple.of(entity, value))
                .await()
                .atMost(WAIT);
    }

    /** The stored counters of {@code entity}: [views, likes]. */
    List<Long> counts(String entity) {
        Row row = pool.preparedQuery("SELECT views, likes FROM cache_test_counters WHERE entity = $1")
                .execute(Tuple.of(entity))
                .await()
                .atMost(WAIT)
                .iterator()
                .next();
        return List.of(row.getLong("views"), row.getLong("likes"));
    }

    /** Whether the ledger holds this accept id. */
    boolean inLedger(UUID acceptId) {
        return pool.preparedQuery("SELECT 1 FROM write_behind_applied WHERE id = $1")
                        .execute(Tuple.of(acceptId))
                        .await()
                        .atMost(WAIT)
                        .rowCount()
                == 1;
    }

    /** Every batch the sink was asked to apply (committed or rolled back), in order. */
    List<Map<String, Map<String, Long>>> batches() {
        return batches;
    }

    @Override
    public Uni<Void> apply(SqlConnection transaction, Map<String, Map<String, Long>> deltas) {
        Map<String, Map<String, Long>> copy = new TreeMap<>();
        deltas.forEach((entity, byField) -> copy.put(entity, new TreeMap<>(byField)));
        batches.add(copy);
        String[] entities = new String[deltas.size()];
        Long[] views = new Long[deltas.size()];
        Long[] likes = new Long[deltas.size()];
        int i = 0;
        for (Map.Entry<String, Map<String, Long>> entry : deltas.entrySet()) {
            entities[i] = entry.getKey();
            views[i] = entry.getValue().getOrDefault(VIEWS, 0L);
            likes[i] = entry.getValue().getOrDefault(LIKES, 0L);
            i++;
        }
        return transaction
                .preparedQuery(
                        "UPDATE cache_test_counters AS c SET views = c.views + d.views, likes = c.likes + d.likes"
                                + " FROM unnest($1::text[], $2::bigint[], $3::bigint[]) AS d(entity, views, likes)"
                                + " WHERE c.entity = d.entity")
                .execute(Tuple.of(entities, views, likes))
                .replaceWithVoid();
    }

    private static String column(String field) {
        if (!FIELDS.contains(field)) {
            throw new IllegalArgumentException(field);
        }
        return field;
    }

    /**
     * One flush that was not deferred. A flush backs off after a transient failure (e.g. a Redis reply slower than the
     * time-out on this shared machine); such a flush did nothing, so it is simply run again.
     */
    static FlushReport flush(WriteBehind writeBehind) {
        return Awaitility.await()
                .atMost(WAIT)
                .pollInterval(Duration.ofMillis(100))
                .until(() -> writeBehind.flush().await().atMost(WAIT), report -> !report.deferred());
    }

    static WriteBehind.Accepted increment(WriteBehind writeBehind, String entity, String field) {
        return writeBehind.increment(entity, field, 1).await().atMost(WAIT);
    }

    static Map<String, Long> pending(WriteBehind writeBehind, String entity) {
        return writeBehind.pending(entity).await().atMost(WAIT);
    }

    static double counter(MeterRegistry registry, String meter, String name) {
        Counter counter = registry.find(meter).tag("name", name).counter();
        return counter == null ? 0 : counter.count();
    }
}
