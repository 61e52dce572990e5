package dev.cachepatterns.cache.redis;

/**
 * No Redis connection was free in time here, in this process: local congestion, not Redis failing. Callers degrade as
 * for any {@link RedisUnavailableException}; the circuit breaker does not count it.
 */
final class RedisCongestedException extends RedisUnavailableException {

    RedisCongestedException(String message) {
        super(message);
    }
}
