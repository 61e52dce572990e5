package dev.cachepatterns.users;

import java.net.URI;
import java.util.List;
import java.util.function.Function;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.Explode;
import org.eclipse.microprofile.openapi.annotations.enums.ParameterStyle;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.cachepatterns.platform.PathParams;
import dev.cachepatterns.platform.ProblemException;
import dev.cachepatterns.platform.idempotency.Idempotency;
import dev.cachepatterns.platform.idempotency.IdempotentCall;

/** Users API (cache-aside). Thin: parses and validates input, the service picks the strategy. */
@Path("/users")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "users", description = "User profiles, cached with cache-aside")
public class UserResource {

    static final int MAX_BULK_IDS = 100;

    private final UserService users;
    private final Idempotency idempotency;

    public UserResource(UserService users, Idempotency idempotency) {
        this.users = users;
        this.idempotency = idempotency;
    }

    @GET
    @Path("/{id}")
    @Operation(
            operationId = "getUser",
            summary = "A user by id",
            description = "Served from Redis when cached; a miss loads it from Postgres once, however many ask at once."
                    + " An absent id is remembered for a short while, so repeated misses skip the database too.")
    @APIResponse(
            responseCode = "200",
            description = "The user",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = User.class)))
    @APIResponse(responseCode = "400", ref = "BadRequest")
    @APIResponse(responseCode = "404", ref = "NotFound")
    @APIResponse(responseCode = "503", ref = "ServiceUnavailable")
    public Uni<String> get(
            @Parameter(
                            description = "The user's id",
                            schema =
                                    @Schema(type = SchemaType.INTEGER, format = "int64", minimum = "1", example = "42"))
                    @PathParam("id")
                    String id) {
        long userId = PathParams.positiveId(id, "id");
        // The cached JSON as is: a hit costs one GET and no decode/encode (docs/benchmarks.md).
        return users.findJson(userId).map(found -> found.orElseThrow(() -> notFound(userId)));
    }

    @GET
    @Operation(
            operationId = "getUsers",
            summary = "Several users by id (at most 100), in the order asked; missing ids are left out",
            description = "One MGET for the cached users and one query for the misses.")
    @APIResponse(
            responseCode = "200",
            description = "The users found, in the order of ids",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(type = SchemaType.ARRAY, implementation = User.class)))
    @APIResponse(responseCode = "400", ref = "BadRequest")
    @APIResponse(responseCode = "503", ref = "ServiceUnavailable")
    public Uni<List<User>> getMany(
            @Parameter(
                            description = "Comma-separated ids, 1 to 100",
                            required = true,
                            style = ParameterStyle.FORM,
                            explode = Explode.FALSE,
                            example = "[1,2,3]",
                            schema =
                                    @Schema(
                                            type = SchemaType.ARRAY,
                                            implementation = Long.class,
                                            minItems = 1,
                                            maxItems = MAX_BULK_IDS))
                    @QueryParam("ids")
                    String ids) {
        return users.findAll(PathParams.positiveIds(ids, "ids", MAX_BULK_IDS));
    }

    @POST
    @Operation(operationId = "createUser", summary = "Create a user")
    @APIResponse(
            responseCode = "201",
            description = "Created; the body is the new user",
            headers =
                    @Header(
                            name = "Location",
                            description = "The new user's URL",
                            schema = @Schema(type = SchemaType.STRING, format = "uri")),
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = User.class)))
    @APIResponse(responseCode = "400", ref = "BadRequest")
    @APIResponse(responseCode = "409", ref = "Conflict")
    @APIResponse(responseCode = "503", ref = "ServiceUnavailable")
    public Uni<Response> create(
            // Declares the header in the OpenAPI document; Idempotency reads it from the request.
            @HeaderParam(Idempotency.HEADER) String idempotencyKey,
            @Context HttpServerRequest request,
            @Valid @NotNull UserInput input,
            UriInfo uriInfo) {
        Function<User, URI> location = user ->
                uriInfo.getAbsolutePathBuilder().path(String.valueOf(user.id())).build();
        // Durable: the key is recorded in the insert's transaction.
        return idempotency.run(
                IdempotentCall.of(request, input, true),
                key -> users.create(input, key, user -> location.apply(user).toString())
                        .map(user -> Response.created(location.apply(user))
                                .entity(user)
                                .build()));
    }

    @PUT
    @Path("/{id}")
    @Operation(
            operationId = "updateUser",
            summary = "Replace a user's profile",
            description = "Postgres first, then the cached entry is invalidated and re-warmed.")
    @APIResponse(
            responseCode = "200",
            description = "The updated user",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = User.class)))
    @APIResponse(responseCode = "400", ref = "BadRequest")
    @APIResponse(responseCode = "404", ref = "NotFound")
    @APIResponse(responseCode = "409", ref = "Conflict")
    @APIResponse(responseCode = "503", ref = "ServiceUnavailable")
    public Uni<User> update(
            @Parameter(
                            description = "The user's id",
                            schema =
                                    @Schema(type = SchemaType.INTEGER, format = "int64", minimum = "1", example = "42"))
                    @PathParam("id")
                    String id,
            @Valid @NotNull UserInput input) {
        long userId = PathParams.positiveId(id, "id");
        return users.update(userId, input).map(updated -> updated.orElseThrow(() -> notFound(userId)));
    }

    @DELETE
    @Path("/{id}")
    @Operation(
            operationId = "deleteUser",
            summary = "Delete a user; idempotent, so deleting an absent user is also 204")
    @APIResponse(responseCode = "204", description = "Deleted, or there was no such user")
    @APIResponse(responseCode = "400", ref = "BadRequest")
    @APIResponse(responseCode = "503", ref = "ServiceUnavailable")
    public Uni<Response> delete(
            @Parameter(
                            description = "The user's id",
                            schema =
                                    @Schema(type = SchemaType.INTEGER, format = "int64", minimum = "1", example = "42"))
                    @PathParam("id")
                    String id) {
        long userId = PathParams.positiveId(id, "id");
        return users.delete(userId).map(deleted -> Response.noContent().build());
    }

    private static ProblemException notFound(long id) {
        return ProblemException.notFound("No user with id " + id);
    }
}
