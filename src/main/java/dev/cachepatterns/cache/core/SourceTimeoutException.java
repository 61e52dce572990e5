package dev.cachepatterns.cache.core;

/**
 * A Postgres call passed its deadline ({@code cache.source.deadline}), waiting for a pooled connection or for the
 * answer: the database is hung or saturated, so the caller is told to retry later.
 */
public final class SourceTimeoutException extends RuntimeException {

    public SourceTimeoutException(String message) {
        super(message, null, false, false);
    }
}
