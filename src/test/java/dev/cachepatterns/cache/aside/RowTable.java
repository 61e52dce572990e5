package dev.cachepatterns.cache.aside;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;

import dev.cachepatterns.cache.core.Loader;

/**
 * The source of truth of the cache-aside proofs: a test-only table in the test database, and a loader over it that
 * counts its calls and can hold them (to make a load slow on purpose). One instance per cache under test, so its counts
 * are that cache's loads.
 */
final class RowTable implements Loader<Long, TestRow> {

    static final String TABLE = "cache_test_aside_rows";
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    private final Pool pool;
    private final AtomicInteger singleLoads = new AtomicInteger();
    private final List<List<Long>> bulkLoads = new CopyOnWriteArrayList<>();
    private volatile CompletionStage<?> hold = CompletableFuture.completedFuture(null);
    private final AtomicReference<HeldLoad> nextHeld = new AtomicReference<>();

    /** One load under a test's control: {@code read} completes once it has read its rows, then it waits for release. */
    record HeldLoad(CompletableFuture<Void> read, CompletionStage<?> release) {}

    private RowTable(Pool pool) {
        this.pool = pool;
    }

    static RowTable in(Pool pool) {
        pool.query("CREATE TABLE IF NOT EXISTS " + TABLE + " (id bigserial PRIMARY KEY, name text NOT NULL)")
                .execute()
                .await()
                .atMost(DEADLINE);
        return new RowTable(pool);
    }

    /** An id that no row has and none will get (the table's ids are positive). */
    static long missingId() {
        return -Math.abs(System.nanoTime() % 1_000_000_000_000L) - 1;
    }

    TestRow insert(String name) {
        return pool.preparedQuery("INSERT INTO " + TABLE + " (name) VALUES ($1) RETURNING id, name")
                .execute(Tuple.of(name))
                .map(rows -> toRow(rows.iterator().next()))
                .await()
                .atMost(DEADLINE);
    }

    TestRow rename(long id, String name) {
        return pool.preparedQuery("UPDATE " + TABLE + " SET name = $2 WHERE id = $1 RETURNING id, name")
                .execute(Tuple.of(id, name))
                .map(rows -> toRow(rows.iterator().next()))
                .await()
                .atMost(DEADLINE);
    }

    /** {@link #rename} without waiting, for a write that races reads. */
    Uni<TestRow> renameLater(long id, String name) {
        return pool.preparedQuery("UPDATE " + TABLE + " SET name = $2 WHERE id = $1 RETURNING id, name")
                .execute(Tuple.of(id, name))
                .map(rows -> toRow(rows.iterator().next()));
    }

    Optional<TestRow> inSource(long id) {
        return pool.preparedQuery("SELECT id, name FROM " + TABLE + " WHERE id = $1")
                .execute(Tuple.of(id))
                .map(RowTable::first)
                .await()
                .atMost(DEADLINE);
    }

    void delete(long id) {
        pool.preparedQuery("DELETE FROM " + TABLE + " WHERE id = $1")
                .execute(Tuple.of(id))
                .await()
                .atMost(DEADLINE);
    }

    /** Every load that starts from now on reads its row, then waits until {@code release} completes. */
    void holdLoadsUntil(CompletionStage<?> release) {
        hold = release;
    }

    /**
     * Only the next load (single or bulk) reads its rows, then waits until {@code release} completes; the returned
     * future completes once it has read them, so a test knows which version of the row it carries.
     */
    CompletableFuture<Void> holdNextLoad(CompletionStage<?> release) {
        HeldLoad held = new HeldLoad(new CompletableFuture<>(), release);
        nextHeld.set(held);
        return held.read();
    }

    private <T> Uni<T> heldIfAsked(Uni<T> load) {
        HeldLoad held = nextHeld.getAndSet(null);
        if (held == null) {
            return load;
        }
        return load.invoke(() -> held.read().complete(null))
                .call(() -> Uni.createFrom().completionStage(held.release()));
    }

    int singleLoads() {
        return singleLoads.get();
    }

    /** The ids of each bulk load, in the order the cache asked for them. */
    List<List<Long>> bulkLoads() {
        return List.copyOf(bulkLoads);
    }

    @Override
    public Uni<Optional<TestRow>> load(Long id) {
        return Uni.createFrom().deferred(() -> {
            singleLoads.incrementAndGet();
            CompletionStage<?> release = hold;
            return heldIfAsked(pool.preparedQuery("SELECT id, name FROM " + TABLE + " WHERE id = $1")
                            .execute(Tuple.of(id))
                            .map(RowTable::first))
                    .call(() -> Uni.createFrom().completionStage(release));
        });
    }

    @Override
    public Uni<Map<Long, TestRow>> loadAll(List<Long> ids) {
        return Uni.createFrom().deferred(() -> {
            bulkLoads.add(List.copyOf(ids));
            return heldIfAsked(pool.preparedQuery("SELECT id, name FROM " + TABLE + " WHERE id = ANY($1)")
                    .execute(Tuple.of(ids.toArray(Long[]::new)))
                    .map(rows -> {
                        Map<Long, TestRow> found = new HashMap<>();
                        rows.forEach(row -> found.put(row.getLong("id"), toRow(row)));
                        return found;
                    }));
        });
    }

    private static Optional<TestRow> first(RowSet<Row> rows) {
        var iterator = rows.iterator();
        return iterator.hasNext() ? Optional.of(toRow(iterator.next())) : Optional.empty();
    }

    private static TestRow toRow(Row row) {
        return new TestRow(row.getLong("id"), row.getString("name"));
    }
}
