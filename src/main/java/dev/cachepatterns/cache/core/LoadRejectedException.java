package dev.cachepatterns.cache.core;

/** The load limiter's queue is full: the database is saturated, so the caller is told to retry later. */
public final class LoadRejectedException extends RuntimeException {

    public LoadRejectedException(String message) {
        super(message, null, false, false);
    }
}
