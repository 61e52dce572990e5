package dev.cachepatterns.leaderboards;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A player's total on a board and their 1-based rank (equal totals are ordered by player name, see the docs). */
public record PlayerScore(
        @Schema(example = "alice", required = true) String player,
        @Schema(example = "10", required = true) long score,
        @Schema(example = "1", required = true) long rank) {}
