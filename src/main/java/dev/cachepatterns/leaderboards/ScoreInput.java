package dev.cachepatterns.leaderboards;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The body of POST /leaderboards/{board}/scores. */
@Schema(additionalProperties = Schema.False.class)
public record ScoreInput(
        @NotNull @Pattern(regexp = LeaderboardNames.PATTERN, message = LeaderboardNames.RULE) @Schema(example = "alice")
        String player,

        @NotNull
        @Min(-MAX_POINTS)
        @Max(MAX_POINTS)
        @JsonDeserialize(using = StrictLongDeserializer.class)
        @Schema(example = "10")
        Long points) {

    /** Bound of one event's points, so totals stay exact in a Redis sorted set (a double) for billions of events. */
    public static final long MAX_POINTS = 1_000_000;
}
