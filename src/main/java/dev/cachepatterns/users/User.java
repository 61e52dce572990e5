package dev.cachepatterns.users;

/** A user profile, as stored in Postgres, cached in Redis and returned by the API. */
public record User(long id, String name, String email, String avatarUrl) {}
