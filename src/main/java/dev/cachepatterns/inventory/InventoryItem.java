package dev.cachepatterns.inventory;

import io.quarkus.runtime.annotations.RegisterForReflection;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * Stock of one SKU, as stored in Postgres, cached in Redis and returned by the API. {@code version} grows by one with
 * every committed change; the cache only ever replaces an entry with a newer version.
 *
 * <p>Registered for native reflection: the cache layer (de)serializes it as JSON outside any resource signature.
 */
@RegisterForReflection
public record InventoryItem(
        @Schema(example = "SKU-1", required = true) String sku,
        @Schema(example = "Mug", required = true) String name,
        @Schema(example = "7", required = true) int quantity,
        @Schema(example = "3", required = true) long version) {}
