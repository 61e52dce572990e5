package dev.cachepatterns.leaderboard;

import java.time.Instant;
import java.util.List;

/**
 * A board's top N. {@code refreshedAt} is when the cached ranking was last rebuilt from Postgres (later scores are
 * included: they are applied to it as they arrive); a board served from Postgres directly carries the time of the read.
 */
public record Leaderboard(String board, List<LeaderboardEntry> entries, Instant refreshedAt) {}
