package dev.cachepatterns.leaderboards;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;

import io.smallrye.mutiny.Multi;
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
import org.jboss.resteasy.reactive.RestStreamElementType;

import dev.cachepatterns.platform.Problem;
import dev.cachepatterns.platform.ProblemException;
import dev.cachepatterns.platform.idempotency.Idempotency;
import dev.cachepatterns.platform.idempotency.IdempotentCall;

/** Leaderboards API (refresh-ahead over sorted sets). Thin: validates names and limits, the service does the rest. */
@Path("/leaderboards")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "leaderboards", description = "Rankings of player totals, Redis sorted sets kept fresh by refresh-ahead")
public class LeaderboardResource {

    static final int DEFAULT_LIMIT = 10;
    static final String NAME_PATTERN = "^" + LeaderboardNames.PATTERN + "$";

    private final LeaderboardService leaderboards;
    private final LeaderboardStreams streams;
    private final LeaderboardsCacheConfig config;
    private final Idempotency idempotency;

    public LeaderboardResource(
            LeaderboardService leaderboards,
            LeaderboardStreams streams,
            LeaderboardsCacheConfig config,
            Idempotency idempotency) {
        this.leaderboards = leaderboards;
        this.streams = streams;
        this.config = config;
        this.idempotency = idempotency;
    }

    @POST
    @Path("/{board}/scores")
    @Operation(
            operationId = "submitScore",
            summary = "Record a score event; answers the player's new total and rank",
            description = "Postgres keeps every score event; the board's sorted set gets the increment at once.")
    @APIResponse(
            responseCode = "200",
            description = "The player's new total and rank",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = PlayerScore.class)))
    @APIResponse(responseCode = "400", ref = "BadRequest")
    @APIResponse(responseCode = "503", ref = "ServiceUnavailable")
    public Uni<Response> submit(
            @Parameter(
                            description = "The board's name",
                            schema = @Schema(type = SchemaType.STRING, pattern = NAME_PATTERN, example = "global"))
                    @PathParam("board")
                    String board,
            // Declares the header in the OpenAPI document; Idempotency reads it from the request.
            @HeaderParam(Idempotency.HEADER) String idempotencyKey,
            @Context HttpServerRequest request,
            @Valid @NotNull ScoreInput input) {
        String boardName = LeaderboardNames.checked(board, "board");
        // Not durable: the answer (total and rank) comes from Redis after the commit, so there is no answer to record
        // with the score event; the stored outcome in Redis alone keeps a retry from counting twice, and a keyed
        // submission is refused (503) while Redis cannot be asked.
        return idempotency.run(
                IdempotentCall.of(request, input, false),
                key -> leaderboards
                        .submit(boardName, input.player(), input.points())
                        .map(score -> Response.ok(score).build()));
    }

    @GET
    @Path("/{board}")
    @Operation(
            operationId = "getLeaderboard",
            summary = "The top N players (limit 1-100, default 10): highest total first, equal totals by player name")
    @APIResponse(
            responseCode = "200",
            description = "The board's top N",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = Leaderboard.class)))
    @APIResponse(responseCode = "400", ref = "BadRequest")
    @APIResponse(responseCode = "503", ref = "ServiceUnavailable")
    public Uni<Leaderboard> top(
            @Parameter(
                            description = "The board's name",
                            schema = @Schema(type = SchemaType.STRING, pattern = NAME_PATTERN, example = "global"))
                    @PathParam("board")
                    String board,
            @Parameter(
                            description = "How many players, 1-100",
                            schema =
                                    @Schema(
                                            type = SchemaType.INTEGER,
                                            format = "int32",
                                            minimum = "1",
                                            maximum = "100",
                                            defaultValue = "10"))
                    @QueryParam("limit")
                    String limit) {
        return leaderboards.top(LeaderboardNames.checked(board, "board"), limit(limit));
    }

    @GET
    @Path("/{board}/players/{player}")
    @Operation(
            operationId = "getPlayerScore",
            summary = "A player's total and rank on the board; 404 when the player has no score there")
    @APIResponse(
            responseCode = "200",
            description = "The player's total and rank",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = PlayerScore.class)))
    @APIResponse(responseCode = "400", ref = "BadRequest")
    @APIResponse(responseCode = "404", ref = "NotFound")
    @APIResponse(responseCode = "503", ref = "ServiceUnavailable")
    public Uni<PlayerScore> player(
            @Parameter(
                            description = "The board's name",
                            schema = @Schema(type = SchemaType.STRING, pattern = NAME_PATTERN, example = "global"))
                    @PathParam("board")
                    String board,
            @Parameter(
                            description = "The player's name",
                            schema = @Schema(type = SchemaType.STRING, pattern = NAME_PATTERN, example = "alice"))
                    @PathParam("player")
                    String player) {
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
    @Operation(
            operationId = "streamLeaderboard",
            summary = "Server-sent events: the top N (limit 1-100, default 10) now and whenever it changes",
            description =
                    "Each event's data is the board as JSON (the same as getLeaderboard). The stream does not end;"
                            + " a comment line `: keep-alive` comes every cache.leaderboards.stream-heartbeat (15 s by"
                            + " default) so that proxies keep an idle stream open. All streams of a board on one instance share"
                            + " one read of it per cache.leaderboards.stream-interval.")
    @APIResponse(
            responseCode = "200",
            description = "A never-ending stream of the board's top N",
            content = @Content(mediaType = MediaType.SERVER_SENT_EVENTS, schema = @Schema(type = SchemaType.STRING)))
    @APIResponse(responseCode = "400", ref = "BadRequest")
    @APIResponse(
            responseCode = "503",
            description = "This instance has cache.leaderboards.stream-max-open streams open (1000 by default);"
                    + " retry after Retry-After seconds.",
            headers = @Header(name = "Retry-After", ref = "Retry-After"),
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(ref = "Problem")))
    public Multi<OutboundSseEvent> stream(
            @Parameter(
                            description = "The board's name",
                            schema = @Schema(type = SchemaType.STRING, pattern = NAME_PATTERN, example = "global"))
                    @PathParam("board")
                    String board,
            @Parameter(
                            description = "How many players, 1-100",
                            schema =
                                    @Schema(
                                            type = SchemaType.INTEGER,
                                            format = "int32",
                                            minimum = "1",
                                            maximum = "100",
                                            defaultValue = "10"))
                    @QueryParam("limit")
                    String limit,
            @Context Sse sse) {
        Multi<Leaderboard> boards = streams.watch(LeaderboardNames.checked(board, "board"), limit(limit));
        return StreamEvents.of(boards, config.streamHeartbeat(), sse);
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
