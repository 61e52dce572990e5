package dev.cachepatterns.inventory;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.cachepatterns.cache.writethrough.Written;
import dev.cachepatterns.platform.idempotency.Idempotency;
import dev.cachepatterns.platform.idempotency.IdempotentCall;

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
    static final String SKU_PATTERN = "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$";

    private final InventoryService inventory;
    private final Idempotency idempotency;

    public InventoryResource(InventoryService inventory, Idempotency idempotency) {
        this.inventory = inventory;
        this.idempotency = idempotency;
    }

    @GET
    @Path("/{sku}")
    @Operation(operationId = "getInventoryItem", summary = "Stock of a SKU")
    @APIResponse(
            responseCode = "200",
            description = "The SKU's stock and version",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = InventoryItem.class)))
    @APIResponse(responseCode = "400", ref = "BadRequest")
    @APIResponse(responseCode = "404", ref = "NotFound")
    @APIResponse(responseCode = "503", ref = "ServiceUnavailable")
    public Uni<InventoryItem> get(
            @Parameter(
                            description = "1-64 letters, digits, '.', '_' or '-', starting with a letter or digit",
                            schema = @Schema(type = SchemaType.STRING, pattern = SKU_PATTERN, example = "SKU-1"))
                    @PathParam("sku")
                    String sku) {
        String valid = Skus.valid(sku);
        return inventory.find(valid).map(found -> found.orElseThrow(() -> InventoryService.notFound(valid)));
    }

    @PUT
    @Path("/{sku}")
    @Operation(
            operationId = "putInventoryItem",
            summary = "Create or replace a SKU's name and stock; returns once Postgres and Redis hold it")
    @APIResponse(
            responseCode = "200",
            description = "Committed; the item with its new version",
            headers =
                    @Header(
                            name = CACHE_WRITE_HEADER,
                            description = "What happened to the cache entry after the commit (docs/write-through.md)",
                            required = true,
                            schema =
                                    @Schema(
                                            type = SchemaType.STRING,
                                            enumeration = {"stored", "invalidated", "unconfirmed", "disabled"})),
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = InventoryItem.class)))
    @APIResponse(responseCode = "400", ref = "BadRequest")
    @APIResponse(responseCode = "503", ref = "ServiceUnavailable")
    public Uni<Response> put(
            @Parameter(
                            description = "1-64 letters, digits, '.', '_' or '-', starting with a letter or digit",
                            schema = @Schema(type = SchemaType.STRING, pattern = SKU_PATTERN, example = "SKU-1"))
                    @PathParam("sku")
                    String sku,
            @Valid @NotNull InventoryInput input) {
        return inventory.put(Skus.valid(sku), input).map(InventoryResource::answer);
    }

    @POST
    @Path("/{sku}/reservations")
    @Operation(
            operationId = "reserveInventory",
            summary = "Take units from stock; 409 when stock is insufficient (never oversells)")
    @APIResponse(
            responseCode = "200",
            description = "Reserved; the item after the decrement",
            headers =
                    @Header(
                            name = CACHE_WRITE_HEADER,
                            description = "What happened to the cache entry after the commit (docs/write-through.md)",
                            required = true,
                            schema =
                                    @Schema(
                                            type = SchemaType.STRING,
                                            enumeration = {"stored", "invalidated", "unconfirmed", "disabled"})),
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = InventoryItem.class)))
    @APIResponse(responseCode = "400", ref = "BadRequest")
    @APIResponse(responseCode = "404", ref = "NotFound")
    @APIResponse(responseCode = "409", ref = "Conflict")
    @APIResponse(responseCode = "503", ref = "ServiceUnavailable")
    public Uni<Response> reserve(
            @Parameter(
                            description = "1-64 letters, digits, '.', '_' or '-', starting with a letter or digit",
                            schema = @Schema(type = SchemaType.STRING, pattern = SKU_PATTERN, example = "SKU-1"))
                    @PathParam("sku")
                    String sku,
            // Declares the header in the OpenAPI document; Idempotency reads it from the request.
            @HeaderParam(Idempotency.HEADER) String idempotencyKey,
            @Context HttpServerRequest request,
            @Valid @NotNull ReservationInput input) {
        String valid = Skus.valid(sku);
        // Durable: the key is recorded in the reservation's transaction, so it may run while Redis is unavailable.
        return idempotency.run(
                IdempotentCall.of(request, input, true),
                key -> inventory.reserve(valid, input.quantity(), key).map(InventoryResource::answer));
    }

    private static Response answer(Written<InventoryItem> written) {
        return Response.ok(written.value())
                .header(CACHE_WRITE_HEADER, written.cache().label())
                .build();
    }
}
