package dev.cachepatterns.cache.writebehind;

import java.time.Duration;

/** The write-behind backlog is at its bound and the component is configured to reject; the caller should retry later. */
public final class WriteBehindRejectedException extends RuntimeException {

    private final Duration retryAfter;

    public WriteBehindRejectedException(String message, Duration retryAfter) {
        super(message, null, false, false);
        this.retryAfter = retryAfter;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
