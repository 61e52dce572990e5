package dev.cachepatterns.posts;

import java.time.Instant;

import io.quarkus.runtime.annotations.RegisterForReflection;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * A post as stored in Postgres and cached in Redis; {@code views} and {@code likes} are the flushed counts.
 * Registered for native reflection: the cache layer (de)serializes it as JSON outside any resource signature.
 */
@RegisterForReflection
public record Post(
        @Schema(example = "hello", required = true) String slug,
        @Schema(example = "Hello", required = true) String title,
        @Schema(example = "First post.", required = true) String body,
        @Schema(example = "1", required = true) long authorId,
        @Schema(example = "100", required = true) long views,
        @Schema(example = "7", required = true) long likes,

        @Schema(example = "2026-12-02T10:15:30Z", required = true)
        Instant publishedAt) {

    /** This post with the accepted but unflushed increments added. */
    Post plus(long pendingViews, long pendingLikes) {
        return new Post(slug, title, body, authorId, views + pendingViews, likes + pendingLikes, publishedAt);
    }
}
