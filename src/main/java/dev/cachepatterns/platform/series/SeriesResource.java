package dev.cachepatterns.platform.series;

import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
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
            summary = "This instance's last minutes of cache reads, hit ratio, loads, latency, circuit, write-behind"
                    + " and refresh-ahead, one point per sampling interval")
    public SeriesView series(
            @Parameter(description = "Only points after this time (epoch milliseconds); 0 for the whole window")
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
