package dev.cachepatterns.users;

import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import io.smallrye.mutiny.Uni;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.cachepatterns.platform.PathParams;
import dev.cachepatterns.platform.ProblemException;

/** Users API (cache-aside). Thin: parses and validates input, the service picks the strategy. */
@Path("/users")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "users", description = "User profiles, cached with cache-aside")
public class UserResource {

    static final int MAX_BULK_IDS = 100;

    private final UserService users;

    public UserResource(UserService users) {
        this.users = users;
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "A user by id")
    @APIResponse(
            responseCode = "200",
            description = "The user",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = User.class)))
    public Uni<String> get(@PathParam("id") String id) {
        long userId = PathParams.positiveId(id, "id");
        // The cached JSON as is: a hit costs one GET and no decode/encode (docs/benchmarks.md).
        return users.findJson(userId).map(found -> found.orElseThrow(() -> notFound(userId)));
    }

    @GET
    @Operation(summary = "Several users by id (at most 100), in the order asked; missing ids are left out")
    public Uni<List<User>> getMany(@QueryParam("ids") String ids) {
        return users.findAll(PathParams.positiveIds(ids, "ids", MAX_BULK_IDS));
    }

    @POST
    @Operation(summary = "Create a user")
    public Uni<Response> create(@Valid @NotNull UserInput input, UriInfo uriInfo) {
        return users.create(input)
                .map(user -> Response.created(uriInfo.getAbsolutePathBuilder()
                                .path(String.valueOf(user.id()))
                                .build())
                        .entity(user)
                        .build());
    }

    @PUT
    @Path("/{id}")
    @Operation(summary = "Replace a user's profile")
    public Uni<User> update(@PathParam("id") String id, @Valid @NotNull UserInput input) {
        long userId = PathParams.positiveId(id, "id");
        return users.update(userId, input).map(updated -> updated.orElseThrow(() -> notFound(userId)));
    }

    @DELETE
    @Path("/{id}")
    @Operation(summary = "Delete a user; idempotent, so deleting an absent user is also 204")
    public Uni<Response> delete(@PathParam("id") String id) {
        long userId = PathParams.positiveId(id, "id");
        return users.delete(userId).map(deleted -> Response.noContent().build());
    }

    private static ProblemException notFound(long id) {
        return ProblemException.notFound("No user with id " + id);
    }
}
