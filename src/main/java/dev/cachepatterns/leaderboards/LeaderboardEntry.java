package dev.cachepatterns.leaderboards;

import io.quarkus.runtime.annotations.RegisterForReflection;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * One line of a board's top N.
 * Registered for native reflection: it is also written as a server-sent event element.
 */
@RegisterForReflection
public record LeaderboardEntry(
        @Schema(example = "1", required = true) long rank,
        @Schema(example = "alice", required = true) String player,
        @Schema(example = "10", required = true) long score) {}
