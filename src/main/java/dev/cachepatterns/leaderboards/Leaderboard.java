package dev.cachepatterns.leaderboards;

import java.time.Instant;
import java.util.List;

import io.quarkus.runtime.annotations.RegisterForReflection;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * A board's top N. {@code refreshedAt} is when the cached ranking was last rebuilt from Postgres (later scores are
 * included: they are applied to it as they arrive); a board served from Postgres directly carries the time of the read.
 *
 * <p>Registered for native reflection: it is also written as a server-sent event element.
 */
@RegisterForReflection
public record Leaderboard(
        @Schema(example = "global", required = true) String board,
        @Schema(required = true) List<LeaderboardEntry> entries,

        @Schema(
                required = true,
                description = "When the cached ranking was last rebuilt from Postgres, or the time of a read"
                        + " served from Postgres")
        Instant refreshedAt) {}
