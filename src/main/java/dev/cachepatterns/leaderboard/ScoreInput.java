package dev.cachepatterns.leaderboard;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;

/** The body of POST /leaderboards/{board}/scores. */
public record ScoreInput(
        @NotNull @Pattern(regexp = LeaderboardNames.PATTERN, message = LeaderboardNames.RULE)
        String player,

        @NotNull @Min(-MAX_POINTS) @Max(MAX_POINTS) @JsonDeserialize(using = StrictLongDeserializer.class)
        Long points) {

    /** Bound of one event's points, so totals stay exact in a Redis sorted set (a double) for billions of events. */
    public static final long MAX_POINTS = 1_000_000;
}
