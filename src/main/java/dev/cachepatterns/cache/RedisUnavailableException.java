package dev.cachepatterns.cache;

/** Redis did not answer in time, refused, or the circuit is open. Callers degrade instead of failing reads. */
public final class RedisUnavailableException extends RuntimeException {

    public RedisUnavailableException(String message) {
        super(message, null, false, false);
    }

    public RedisUnavailableException(Throwable cause) {
        super("Redis unavailable: " + cause.getMessage(), cause, false, false);
    }
}
