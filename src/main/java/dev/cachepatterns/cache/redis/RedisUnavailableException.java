package dev.cachepatterns.cache.redis;

import dev.cachepatterns.cache.Internal;

/** Redis did not answer in time, refused, or the circuit is open. Callers degrade instead of failing reads. */
@Internal
public class RedisUnavailableException extends RuntimeException {

    public RedisUnavailableException(String message) {
        super(message, null, false, false);
    }

    public RedisUnavailableException(Throwable cause) {
        super("Redis unavailable: " + cause.getMessage(), cause, false, false);
    }
}
