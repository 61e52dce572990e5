package dev.cachepatterns.showcase.demo;

import java.util.List;
import java.util.Optional;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import io.smallrye.mutiny.Uni;
import org.eclipse.microprofile.openapi.annotations.Operation;

import dev.cachepatterns.platform.PathParams;
import dev.cachepatterns.platform.ProblemException;

/**
 * The one-click demos: {@code GET /demo} lists them, {@code POST /demo/{id}?size=N} runs one. A development tool, not
 * part of the API: left out of the OpenAPI document, and with {@code demo.enabled=false} (the default outside dev mode)
 * every path answers 404 as if it did not exist.
 */
@Path("/demo")
@Produces(MediaType.APPLICATION_JSON)
public class DemoResource {

    private final DemoRunner runner;

    public DemoResource(DemoRunner runner) {
        this.runner = runner;
    }

    @GET
    @Operation(hidden = true)
    public List<DemoInfo> list() {
        requireEnabled();
        return runner.list();
    }

    @POST
    @Path("/{id}")
    @Operation(hidden = true)
    public Uni<DemoRun> run(@PathParam("id") String id, @QueryParam("size") String size) {
        requireEnabled();
        Optional<Integer> requested = size == null || size.isBlank()
                ? Optional.empty()
                : Optional.of((int) Math.min(Integer.MAX_VALUE, PathParams.positiveId(size, "size")));
        return runner.run(id, requested);
    }

    private void requireEnabled() {
        if (!runner.enabled()) {
            throw ProblemException.notFound("Not found");
        }
    }
}
