package dev.cachepatterns.posts;

import java.time.Instant;

/** A post as stored in Postgres and cached in Redis; {@code views} and {@code likes} are the flushed counts. */
public record Post(String slug, String title, String body, long authorId, long views, long likes, Instant publishedAt) {

    /** This post with the accepted but unflushed increments added. */
    Post plus(long pendingViews, long pendingLikes) {
        return new Post(slug, title, body, authorId, views + pendingViews, likes + pendingLikes, publishedAt);
    }
}
