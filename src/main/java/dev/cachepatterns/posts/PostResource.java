package dev.cachepatterns.posts;

import java.net.URI;
import java.util.Optional;
import java.util.function.Function;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

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

import dev.cachepatterns.platform.ProblemException;
import dev.cachepatterns.platform.idempotency.Idempotency;
import dev.cachepatterns.platform.idempotency.IdempotencyKey;
import dev.cachepatterns.platform.idempotency.IdempotentCall;

/** Posts API: posts on cache-aside, views and likes on write-behind. Thin: validates input, the service decides. */
@Path("/posts")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "posts", description = "Posts, with views and likes counted through crash-safe write-behind")
public class PostResource {

    private final PostService posts;
    private final Idempotency idempotency;

    public PostResource(PostService posts, Idempotency idempotency) {
        this.posts = posts;
        this.idempotency = idempotency;
    }

    @GET
    @Path("/{slug}")
    @Operation(
            operationId = "getPost",
            summary = "A post; views and likes include accepted increments not yet flushed to the database")
    @APIResponse(
            responseCode = "200",
            description = "The post",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Post.class)))
    @APIResponse(responseCode = "400", ref = "BadRequest")
    @APIResponse(responseCode = "404", ref = "NotFound")
    @APIResponse(responseCode = "503", ref = "ServiceUnavailable")
    public Uni<Post> get(
            @Parameter(
                            description = "The post's slug",
                            schema =
                                    @Schema(
                                            type = SchemaType.STRING,
                                            pattern = "^" + Slugs.PATTERN + "$",
                                            example = "hello"))
                    @PathParam("slug")
                    String slug) {
        String valid = Slugs.require(slug);
        return posts.find(valid)
                .map(found -> found.orElseThrow(() -> ProblemException.notFound("No post with slug '" + valid + "'")));
    }

    @POST
    @Operation(operationId = "createPost", summary = "Create a post; 409 when the slug is taken")
    @APIResponse(
            responseCode = "201",
            description = "Created; the body is the new post",
            headers =
                    @Header(
                            name = "Location",
                            description = "The new post's URL",
                            schema = @Schema(type = SchemaType.STRING, format = "uri")),
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Post.class)))
    @APIResponse(responseCode = "400", ref = "BadRequest")
    @APIResponse(responseCode = "409", ref = "Conflict")
    @APIResponse(responseCode = "503", ref = "ServiceUnavailable")
    public Uni<Response> create(
            // Declares the header in the OpenAPI document; Idempotency reads it from the request.
            @HeaderParam(Idempotency.HEADER) String idempotencyKey,
            @Context HttpServerRequest request,
            @Valid @NotNull PostInput input,
            UriInfo uriInfo) {
        Function<Post, URI> location =
                post -> uriInfo.getAbsolutePathBuilder().path(post.slug()).build();
        // Durable: the key is recorded in the insert's transaction.
        return idempotency.run(
                IdempotentCall.of(request, input, true),
                key -> posts.create(input, key, post -> location.apply(post).toString())
                        .map(post -> Response.created(location.apply(post))
                                .entity(post)
                                .build()));
    }

    @POST
    @Path("/{slug}/views")
    @Consumes(MediaType.WILDCARD)
    @Operation(
            operationId = "countView",
            summary = "Count a view: 202 once it is durable in Redis; 503 with Retry-After when the backlog is full",
            description = "Takes no body. The increment is queued in Redis (write-behind) and reaches Postgres in the"
                    + " next batch; the answer's counts include it.")
    @APIResponse(
            responseCode = "202",
            description = "Accepted; the post's counts including this view",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = Engagement.class)))
    @APIResponse(responseCode = "400", ref = "BadRequest")
    @APIResponse(responseCode = "404", ref = "NotFound")
    @APIResponse(responseCode = "503", ref = "ServiceUnavailable")
    public Uni<Response> view(
            @Parameter(
                            description = "The post's slug",
                            schema =
                                    @Schema(
                                            type = SchemaType.STRING,
                                            pattern = "^" + Slugs.PATTERN + "$",
                                            example = "hello"))
                    @PathParam("slug")
                    String slug,
            // Declares the header in the OpenAPI document; Idempotency reads it from the request.
            @HeaderParam(Idempotency.HEADER) String idempotencyKey,
            @Context HttpServerRequest request) {
        String valid = Slugs.require(slug);
        return counted(request, key -> posts.increment(valid, PostRepository.VIEWS, key));
    }

    @POST
    @Path("/{slug}/likes")
    @Consumes(MediaType.WILDCARD)
    @Operation(
            operationId = "countLike",
            summary = "Count a like: 202 once it is durable in Redis; 503 with Retry-After when the backlog is full",
            description = "Takes no body. The increment is queued in Redis (write-behind) and reaches Postgres in the"
                    + " next batch; the answer's counts include it.")
    @APIResponse(
            responseCode = "202",
            description = "Accepted; the post's counts including this like",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = Engagement.class)))
    @APIResponse(responseCode = "400", ref = "BadRequest")
    @APIResponse(responseCode = "404", ref = "NotFound")
    @APIResponse(responseCode = "503", ref = "ServiceUnavailable")
    public Uni<Response> like(
            @Parameter(
                            description = "The post's slug",
                            schema =
                                    @Schema(
                                            type = SchemaType.STRING,
                                            pattern = "^" + Slugs.PATTERN + "$",
                                            example = "hello"))
                    @PathParam("slug")
                    String slug,
            // Declares the header in the OpenAPI document; Idempotency reads it from the request.
            @HeaderParam(Idempotency.HEADER) String idempotencyKey,
            @Context HttpServerRequest request) {
        String valid = Slugs.require(slug);
        return counted(request, key -> posts.increment(valid, PostRepository.LIKES, key));
    }

    /**
     * Durable in write-behind mode: the key's UUID is the increment's accept id, which the write-behind ledger applies
     * once. The synchronous baseline mode has no ledger, so there a keyed view is refused while Redis cannot be asked.
     */
    private Uni<Response> counted(
            HttpServerRequest request, Function<Optional<IdempotencyKey>, Uni<Engagement>> increment) {
        return idempotency.run(
                IdempotentCall.of(request, null, posts.incrementsLedgered()),
                key -> increment
                        .apply(key)
                        .map(counts -> Response.accepted(counts).build()));
    }
}
