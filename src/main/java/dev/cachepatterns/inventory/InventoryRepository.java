package dev.cachepatterns.inventory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

import dev.cachepatterns.cache.core.Loader;
import dev.cachepatterns.cache.core.SourcePool;
import dev.cachepatterns.platform.idempotency.IdempotencyKey;
import dev.cachepatterns.platform.idempotency.IdempotencyLedger;

/**
 * Inventory in Postgres, through the reactive client, each call within the source deadline ({@link SourcePool}); writes
 * in a transaction, so one abandoned at its deadline is rolled back. Also the loader of the inventory cache.
 */
@ApplicationScoped
public class InventoryRepository implements Loader<String, InventoryItem> {

    private static final String COLUMNS = "sku, name, quantity, version";
    // A reservation replayed from Postgres does not know what its first attempt did to the cache entry.
    private static final Map<String, String> REPLAYED_CACHE_WRITE =
            Map.of(InventoryResource.CACHE_WRITE_HEADER, "unconfirmed");

    private final SourcePool source;
    private final IdempotencyLedger keys;

    public InventoryRepository(SourcePool source, IdempotencyLedger keys) {
        this.source = source;
        this.keys = keys;
    }

    /** Outcome of a reservation: the item after the decrement, or why nothing changed. */
    public sealed interface Reservation {
        record Reserved(InventoryItem item) implements Reservation {}

        record UnknownSku() implements Reservation {}

        record InsufficientStock(int available) implements Reservation {}
    }

    @Override
    public Uni<Optional<InventoryItem>> load(String sku) {
        return source.withConnection(c -> c.preparedQuery("SELECT " + COLUMNS + " FROM inventory WHERE sku = $1")
                        .execute(Tuple.of(sku)))
                .map(InventoryRepository::first);
    }

    @Override
    public Uni<Map<String, InventoryItem>> loadAll(List<String> skus) {
        return source.withConnection(c -> c.preparedQuery("SELECT " + COLUMNS + " FROM inventory WHERE sku = ANY($1)")
                        .execute(Tuple.of(skus.toArray(String[]::new))))
                .map(rows -> {
                    Map<String, InventoryItem> found = new HashMap<>();
                    for (Row row : rows) {
                        InventoryItem item = toItem(row);
                        found.put(item.sku(), item);
                    }
                    return found;
                });
    }

    /** Creates the item at version 1, or replaces its name and stock and bumps its version. */
    public Uni<InventoryItem> upsert(String sku, InventoryInput input) {
        return source.inTransaction(c -> c.preparedQuery(
                                "INSERT INTO inventory (sku, name, quantity, version) VALUES ($1, $2, $3, 1)"
                                        + " ON CONFLICT (sku) DO UPDATE SET name = EXCLUDED.name, quantity ="
                                        + " EXCLUDED.quantity, version = inventory.version + 1, updated_at = now()"
                                        + " RETURNING " + COLUMNS)
                        .execute(Tuple.of(sku, input.name(), input.quantity())))
                .map(rows -> toItem(rows.iterator().next()));
    }

    /**
     * Takes {@code quantity} units in one conditional UPDATE, so concurrent reservations serialize on the row and stock
     * never goes below zero. Only when nothing was updated does a second query tell "unknown" from "insufficient".
     *
     * <p>With an {@code Idempotency-Key} the key is claimed and its answer recorded in the same transaction ({@link
     * IdempotencyLedger}): a retry that Redis no longer knows (restarted empty) finds it and takes no stock again; it
     * fails with the recorded outcome instead. A reservation that took nothing gives its claim up, so a retry runs.
     */
    public Uni<Reservation> reserve(String sku, int quantity, Optional<IdempotencyKey> key) {
        return source.inTransaction(c -> claim(c, key)
                .flatMap(claimed -> reserveIn(c, sku, quantity))
                .call(outcome -> key.isEmpty()
                        ? Uni.createFrom().voidItem()
                        : outcome instanceof Reservation.Reserved reserved
                                ? keys.record(c, key.get(), 200, REPLAYED_CACHE_WRITE, reserved.item())
                                : keys.unclaim(c, key.get())));
    }

    private Uni<Void> claim(SqlConnection c, Optional<IdempotencyKey> key) {
        return key.isEmpty() ? Uni.createFrom().voidItem() : keys.claim(c, key.get());
    }

    private static Uni<Reservation> reserveIn(SqlConnection c, String sku, int quantity) {
        return c.preparedQuery("UPDATE inventory SET quantity = quantity - $2, version = version + 1,"
                        + " updated_at = now() WHERE sku = $1 AND quantity >= $2 RETURNING " + COLUMNS)
                .execute(Tuple.of(sku, quantity))
                .flatMap(rows -> {
                    Optional<InventoryItem> reserved = first(rows);
                    if (reserved.isPresent()) {
                        return Uni.createFrom().item(new Reservation.Reserved(reserved.get()));
                    }
                    return c.preparedQuery("SELECT quantity FROM inventory WHERE sku = $1")
                            .execute(Tuple.of(sku))
                            .map(found -> found.iterator().hasNext()
                                    ? new Reservation.InsufficientStock(
                                            found.iterator().next().getInteger("quantity"))
                                    : new Reservation.UnknownSku());
                });
    }

    private static Optional<InventoryItem> first(RowSet<Row> rows) {
        var iterator = rows.iterator();
        return iterator.hasNext() ? Optional.of(toItem(iterator.next())) : Optional.empty();
    }

    private static InventoryItem toItem(Row row) {
        return new InventoryItem(
                row.getString("sku"), row.getString("name"), row.getInteger("quantity"), row.getLong("version"));
    }
}
