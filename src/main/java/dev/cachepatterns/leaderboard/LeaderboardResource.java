package dev.cachepatterns.leaderboard;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestStreamElementType;

import dev.cachepatterns.platform.ProblemException;

/** Leaderboards API (refresh-ahead over sorted sets). Thin: validates names and limits, the service does the rest. */
@Path("/leaderboards")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "leaderboards", description = "Rankings of player totals, Redis sorted sets kept fresh by refresh-ahead")
public class LeaderboardResource {

    static final int DEFAULT_LIMIT = 10;

    private final LeaderboardService leaderboards;
    private final LeaderboardsCacheConfig config;

    public LeaderboardResource(LeaderboardService leaderboards, LeaderboardsCacheConfig config) {
        this.leaderboards = leaderboards;
        this.config = config;
    }

    @POST
    @Path("/{board}/scores")
    @Operation(summary = "Record a score event; answers the player's new total and rank")
    public Uni<PlayerScore> submit(@PathParam("board") String board, @Valid @NotNull ScoreInput input) {
        String boardName = LeaderboardNames.checked(board, "board");
        return leaderboards.submit(boardName, input.player(), input.points());
    }

    @GET
    @Path("/{board}")
    @Operation(
            summary = "The top N players (limit 1-100, default 10): highest total first, equal totals by player name")
    public Uni<Leaderboard> top(@PathParam("board") String board, @QueryParam("limit") String limit) {
        return leaderboards.top(LeaderboardNames.checked(board, "board"), limit(limit));
    }

    @GET
    @Path("/{board}/players/{player}")
    @Operation(summary = "A player's total and rank on the board; 404 when the player has no score there")
    public Uni<PlayerScore> player(@PathParam("board") String board, @PathParam("player") String player) {
        String boardName = LeaderboardNames.checked(board, "board");
        String playerName = LeaderboardNames.checked(player, "player");
        return leaderboards
                .player(boardName, playerName)
                .map(found -> found.orElseThrow(() ->
                        ProblemException.notFound("Player " + playerName + " has no score on board " + boardName)));
    }

    @GET
    @Path("/{board}/stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    @Operation(summary = "Server-sent events: the top N (limit 1-100, default 10) now and whenever it changes")
    public Multi<Leaderboard> stream(@PathParam("board") String board, @QueryParam("limit") String limit) {
        return leaderboards.watch(LeaderboardNames.checked(board, "board"), limit(limit));
    }

    private int limit(String raw) {
        if (raw == null) {
            return DEFAULT_LIMIT;
        }
        String message = "limit must be an integer from 1 to " + config.maxLimit();
        if (raw.isEmpty() || raw.length() > 4 || !raw.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw ProblemException.badRequest(message);
        }
        int value = Integer.parseInt(raw);
        if (value < 1 || value > config.maxLimit()) {
            throw ProblemException.badRequest(message);
        }
        return value;
    }
}
