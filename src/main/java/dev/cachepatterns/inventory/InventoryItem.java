package dev.cachepatterns.inventory;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Stock of one SKU, as stored in Postgres, cached in Redis and returned by the API. {@code version} grows by one with
 * every committed change; the cache only ever replaces an entry with a newer version.
 *
 * <p>Registered for native reflection: the cache layer (de)serializes it as JSON outside any resource signature.
 */
@RegisterForReflection
public record InventoryItem(String sku, String name, int quantity, long version) {}
