package dev.cachepatterns.leaderboard;

/** A player's total on a board and their 1-based rank (equal totals are ordered by player name, see the docs). */
public record PlayerScore(String player, long score, long rank) {}
