package dev.cachepatterns.leaderboard;

import java.time.Instant;
import java.util.List;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * A board's top N. {@code refreshedAt} is when the cached ranking was last rebuilt from Postgres (later scores are
 * included: they are applied to it as they arrive); a board served from Postgres directly carries the time of the read.
 *
 * <p>Registered for native reflection: it is also written as a server-sent event element.
 */
@RegisterForReflection
public record Leaderboard(String board, List<LeaderboardEntry> entries, Instant refreshedAt) {}
