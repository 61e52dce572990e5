package dev.cachepatterns.posts;

import java.time.Instant;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * A post as stored in Postgres and cached in Redis; {@code views} and {@code likes} are the flushed counts.
 * Registered for native reflection: the cache layer (de)serializes it as JSON outside any resource signature.
 */
@RegisterForReflection
public record Post(String slug, String title, String body, long authorId, long views, long likes, Instant publishedAt) {

    /** This post with the accepted but unflushed increments added. */
    Post plus(long pendingViews, long pendingLikes) {
        return new Post(slug, title, body, authorId, views + pendingViews, likes + pendingLikes, publishedAt);
    }
}
