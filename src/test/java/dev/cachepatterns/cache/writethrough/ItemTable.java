package dev.cachepatterns.cache.writethrough;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;

import dev.cachepatterns.cache.core.Loader;

/**
 * The source of truth of the write-through proofs: a test-only table of versioned items, the source write that
 * commits a change and raises its version, and a loader over it that counts its calls. A test can put a step of its own
 * after each load (to hold a reader that has read its row) with {@link #afterEachLoad}.
 */
final class ItemTable implements Loader<String, TestItem> {

    static final String TABLE = "cache_test_writethrough_items";
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    private final Pool pool;
    private final AtomicInteger loads = new AtomicInteger();
    private volatile Function<Optional<TestItem>, Uni<Optional<TestItem>>> afterLoad =
            found -> Uni.createFrom().item(found);

    private ItemTable(Pool pool) {
        this.pool = pool;
    }

    static ItemTable in(Pool pool) {
        pool.query("CREATE TABLE IF NOT EXISTS " + TABLE
                        + " (id text PRIMARY KEY, name text NOT NULL, version bigint NOT NULL)")
                .execute()
                .await()
                .atMost(DEADLINE);
        return new ItemTable(pool);
    }

    static String uniqueId(String tag) {
        return tag + "-" + UUID.randomUUID().toString().substring(0, 12);
    }

    /** Commits {@code name} for {@code id} and emits the row with its new version (1 for a new row). */
    Uni<TestItem> upsert(String id, String name) {
        return pool.preparedQuery("INSERT INTO " + TABLE + " AS t (id, name, version) VALUES ($1, $2, 1)"
                        + " ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, version = t.version + 1"
                        + " RETURNING id, name, version")
                .execute(Tuple.of(id, name))
                .map(rows -> toItem(rows.iterator().next()));
    }

    /** The row as the database holds it, read without the cache and without counting as a load. */
    Optional<TestItem> inSource(String id) {
        return select(id).await().atMost(DEADLINE);
    }

    /** Every load from now on passes the row it read through {@code step} before the cache gets it. */
    void afterEachLoad(Function<Optional<TestItem>, Uni<Optional<TestItem>>> step) {
        afterLoad = step;
    }

    int loads() {
        return loads.get();
    }

    @Override
    public Uni<Optional<TestItem>> load(String id) {
        return Uni.createFrom().deferred(() -> {
            loads.incrementAndGet();
            Function<Optional<TestItem>, Uni<Optional<TestItem>>> step = afterLoad;
            return select(id).flatMap(found -> step.apply(found));
        });
    }

    @Override
    public Uni<Map<String, TestItem>> loadAll(List<String> ids) {
        return Uni.createFrom().deferred(() -> {
            loads.incrementAndGet();
            return pool.preparedQuery("SELECT id, name, version FROM " + TABLE + " WHERE id = ANY($1)")
                    .execute(Tuple.of(ids.toArray(String[]::new)))
                    .map(rows -> {
                        Map<String, TestItem> found = new HashMap<>();
                        rows.forEach(row -> found.put(row.getString("id"), toItem(row)));
                        return found;
                    });
        });
    }

    private Uni<Optional<TestItem>> select(String id) {
        return pool.preparedQuery("SELECT id, name, version FROM " + TABLE + " WHERE id = $1")
                .execute(Tuple.of(id))
                .map(ItemTable::first);
    }

    private static Optional<TestItem> first(RowSet<Row> rows) {
        var iterator = rows.iterator();
        return iterator.hasNext() ? Optional.of(toItem(iterator.next())) : Optional.empty();
    }

    private static TestItem toItem(Row row) {
        return new TestItem(row.getString("id"), row.getString("name"), row.getLong("version"));
    }
}
