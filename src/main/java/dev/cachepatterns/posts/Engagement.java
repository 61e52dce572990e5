package dev.cachepatterns.posts;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The reply to an accepted view or like: the post's counts including accepted but unflushed increments. */
public record Engagement(
        @Schema(example = "hello", required = true) String slug,
        @Schema(example = "100", required = true) long views,
        @Schema(example = "7", required = true) long likes) {}
