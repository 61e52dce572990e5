package dev.cachepatterns.inventory;

/**
 * Stock of one SKU, as stored in Postgres, cached in Redis and returned by the API. {@code version} grows by one with
 * every committed change; the cache only ever replaces an entry with a newer version.
 */
public record InventoryItem(String sku, String name, int quantity, long version) {}
