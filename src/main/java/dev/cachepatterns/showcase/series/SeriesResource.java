package dev.cachepatterns.showcase.series;

import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.cachepatterns.platform.ProblemException;

/** The time series the page at {@code /} plots, built from the meters {@code /q/metrics} publishes. */
@Path("/dashboard/series")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "dashboard", description = "Numbers for the page at /")
public class SeriesResource {

    private final SeriesSampler sampler;

    public SeriesResource(SeriesSampler sampler) {
        this.sampler = sampler;
    }

    @GET
    @Operation(
            operationId = "getDashboardSeries",
            summary = "This instance's last minutes of cache reads, hit ratio, loads, latency, circuit, write-behind"
                    + " and refresh-ahead, one point per sampling interval")
    @APIResponse(
            responseCode = "200",
            description = "The points of the window",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = SeriesView.class)))
    @APIResponse(responseCode = "400", ref = "BadRequest")
    public SeriesView series(
            @Parameter(
                            description = "Only points after this time (epoch milliseconds); 0 for the whole window",
                            schema =
                                    @Schema(
                                            type = SchemaType.INTEGER,
                                            format = "int64",
                                            minimum = "0",
                                            defaultValue = "0"))
                    @QueryParam("since")
                    @DefaultValue("0")
                    String since) {
        return sampler.view(parseSince(since));
    }

    private static long parseSince(String since) {
        try {
            long value = Long.parseLong(since);
            if (value >= 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ProblemException.badRequest("since must be a non-negative number of epoch milliseconds, was " + since);
    }
}
