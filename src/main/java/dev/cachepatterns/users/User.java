package dev.cachepatterns.users;

import io.quarkus.runtime.annotations.RegisterForReflection;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * A user profile, as stored in Postgres, cached in Redis and returned by the API.
 * Registered for native reflection: the cache layer (de)serializes it as JSON outside any resource signature.
 */
@RegisterForReflection
public record User(
        @Schema(example = "42", required = true) long id,
        @Schema(example = "Ada Lovelace", required = true) String name,

        @Schema(example = "ada@example.com", required = true)
        String email,

        @Schema(example = "https://example.com/ada.png", nullable = true)
        String avatarUrl) {}
