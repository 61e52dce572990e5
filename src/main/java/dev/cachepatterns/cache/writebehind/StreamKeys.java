package dev.cachepatterns.cache.writebehind;

import dev.cachepatterns.cache.core.CacheKeys;

/**
 * The Redis keys of one write-behind component, all under its prefix (which carries a hash tag, so they share one
 * Redis Cluster slot): the stream of accepted increments, the pending counters, the failure counts per entry and the
 * dead-letter stream.
 */
record StreamKeys(String stream, String pending, String failures, String dead) {

    static StreamKeys under(String prefix) {
        CacheKeys keys = new CacheKeys(prefix);
        return new StreamKeys(keys.value("stream"), keys.value("pending"), keys.value("failures"), keys.value("dead"));
    }
}
