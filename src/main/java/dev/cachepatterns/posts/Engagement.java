package dev.cachepatterns.posts;

/** The reply to an accepted view or like: the post's counts including accepted but unflushed increments. */
public record Engagement(String slug, long views, long likes) {}
