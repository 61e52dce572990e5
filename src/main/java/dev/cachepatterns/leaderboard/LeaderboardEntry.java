package dev.cachepatterns.leaderboard;

/** One line of a board's top N. */
public record LeaderboardEntry(long rank, String player, long score) {}
