package dev.cachepatterns.cache.core;

/**
 * A Postgres call found no database to talk to: no connection could be opened, or the one it ran on was lost before
 * its work ended (Postgres restarted, the session ended, the network cut it). Nothing of an uncommitted transaction was
 * applied; the caller is told to retry later, like for {@link SourceTimeoutException}. Its cause is the client's own
 * failure, which for a lost connection often has no type of its own.
 */
public final class SourceUnavailableException extends RuntimeException {

    public SourceUnavailableException(String message, Throwable cause) {
        super(message + ": " + cause, cause, false, false);
    }
}
