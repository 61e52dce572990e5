package dev.cachepatterns.posts;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import io.smallrye.mutiny.Uni;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.cachepatterns.platform.ProblemException;

/** Posts API: posts on cache-aside, views and likes on write-behind. Thin: validates input, the service decides. */
@Path("/posts")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "posts", description = "Posts, with views and likes counted through crash-safe write-behind")
public class PostResource {

    private final PostService posts;

    public PostResource(PostService posts) {
        this.posts = posts;
    }

    @GET
    @Path("/{slug}")
    @Operation(summary = "A post; views and likes include accepted increments not yet flushed to the database")
    public Uni<Post> get(@PathParam("slug") String slug) {
        String valid = Slugs.require(slug);
        return posts.find(valid)
                .map(found -> found.orElseThrow(() -> ProblemException.notFound("No post with slug '" + valid + "'")));
    }

    @POST
    @Operation(summary = "Create a post; 409 when the slug is taken")
    public Uni<Response> create(@Valid @NotNull PostInput input, UriInfo uriInfo) {
        return posts.create(input)
                .map(post -> Response.created(uriInfo.getAbsolutePathBuilder()
                                .path(post.slug())
                                .build())
                        .entity(post)
                        .build());
    }

    @POST
    @Path("/{slug}/views")
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Count a view: 202 once it is durable in Redis; 503 with Retry-After when the backlog is full")
    public Uni<Response> view(@PathParam("slug") String slug) {
        return accepted(posts.increment(Slugs.require(slug), PostRepository.VIEWS));
    }

    @POST
    @Path("/{slug}/likes")
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Count a like: 202 once it is durable in Redis; 503 with Retry-After when the backlog is full")
    public Uni<Response> like(@PathParam("slug") String slug) {
        return accepted(posts.increment(Slugs.require(slug), PostRepository.LIKES));
    }

    private static Uni<Response> accepted(Uni<Engagement> engagement) {
        return engagement.map(counts -> Response.accepted(counts).build());
    }
}
