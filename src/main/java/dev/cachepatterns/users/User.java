package dev.cachepatterns.users;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * A user profile, as stored in Postgres, cached in Redis and returned by the API.
 * Registered for native reflection: the cache layer (de)serializes it as JSON outside any resource signature.
 */
@RegisterForReflection
public record User(long id, String name, String email, String avatarUrl) {}
