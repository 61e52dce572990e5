package dev.cachepatterns.inventory;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.smallrye.mutiny.Uni;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.cachepatterns.cache.writethrough.Written;

/**
 * Inventory API (write-through). Thin: validates input, the service picks the strategy. Writes answer with a {@code
 * Cache-Write} header saying what happened to the cache entry after the commit: {@code stored}, {@code invalidated},
 * {@code unconfirmed} or {@code disabled} (see docs/write-through.md). The write is committed in every case.
 */
@Path("/inventory")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "inventory", description = "Stock per SKU, cached with write-through")
public class InventoryResource {

    static final String CACHE_WRITE_HEADER = "Cache-Write";

    private final InventoryService inventory;

    public InventoryResource(InventoryService inventory) {
        this.inventory = inventory;
    }

    @GET
    @Path("/{sku}")
    @Operation(summary = "Stock of a SKU")
    public Uni<InventoryItem> get(@PathParam("sku") String sku) {
        String valid = Skus.valid(sku);
        return inventory.find(valid).map(found -> found.orElseThrow(() -> InventoryService.notFound(valid)));
    }

    @PUT
    @Path("/{sku}")
    @Operation(summary = "Create or replace a SKU's name and stock; returns once Postgres and Redis hold it")
    public Uni<Response> put(@PathParam("sku") String sku, @Valid @NotNull InventoryInput input) {
        return inventory.put(Skus.valid(sku), input).map(InventoryResource::answer);
    }

    @POST
    @Path("/{sku}/reservations")
    @Operation(summary = "Take units from stock; 409 when stock is insufficient (never oversells)")
    public Uni<Response> reserve(@PathParam("sku") String sku, @Valid @NotNull ReservationInput input) {
        return inventory.reserve(Skus.valid(sku), input.quantity()).map(InventoryResource::answer);
    }

    private static Response answer(Written<InventoryItem> written) {
        return Response.ok(written.value())
                .header(CACHE_WRITE_HEADER, written.cache().label())
                .build();
    }
}
