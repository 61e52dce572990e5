package dev.cachepatterns.inventory;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;

import dev.cachepatterns.cache.writethrough.WriteThrough;
import dev.cachepatterns.cache.writethrough.WriteThroughFactory;
import dev.cachepatterns.cache.writethrough.Written;
import dev.cachepatterns.platform.ProblemException;
import dev.cachepatterns.platform.idempotency.IdempotencyKey;

/**
 * Inventory on write-through: a stale stock count would oversell, so every write commits to Postgres and then updates
 * Redis before it answers, and the cache never goes back to an older version. Reservations decrement in one conditional
 * UPDATE, so Postgres, not the cache, decides whether there is stock.
 */
@ApplicationScoped
public class InventoryService {

    private final InventoryRepository repository;
    private final WriteThrough<String, InventoryItem> cache;

    public InventoryService(InventoryRepository repository, WriteThroughFactory caches, InventoryCacheConfig config) {
        this.repository = repository;
        this.cache =
                caches.create("inventory", config, InventoryItem.class, repository, sku -> sku, InventoryItem::version);
    }

    public Uni<Optional<InventoryItem>> find(String sku) {
        return cache.get(sku);
    }

    public Uni<Written<InventoryItem>> put(String sku, InventoryInput input) {
        return cache.write(sku, repository.upsert(sku, input));
    }

    /**
     * The item after taking {@code quantity} units; 404 for an unknown SKU, 409 when stock is short. With {@code key}
     * the key is recorded with the decrement (a retry already applied fails with the recorded outcome).
     */
    public Uni<Written<InventoryItem>> reserve(String sku, int quantity, Optional<IdempotencyKey> key) {
        return cache.write(sku, repository.reserve(sku, quantity, key).map(outcome -> {
            if (outcome instanceof InventoryRepository.Reservation.Reserved reserved) {
                return reserved.item();
            }
            if (outcome instanceof InventoryRepository.Reservation.InsufficientStock insufficient) {
                throw ProblemException.conflict("Insufficient stock for " + sku + ": " + insufficient.available()
                        + " available, " + quantity + " requested");
            }
            throw notFound(sku);
        }));
    }

    static ProblemException notFound(String sku) {
        return ProblemException.notFound("No inventory item with sku " + sku);
    }
}
