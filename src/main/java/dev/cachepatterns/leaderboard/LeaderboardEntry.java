package dev.cachepatterns.leaderboard;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * One line of a board's top N.
 * Registered for native reflection: it is also written as a server-sent event element.
 */
@RegisterForReflection
public record LeaderboardEntry(long rank, String player, long score) {}
