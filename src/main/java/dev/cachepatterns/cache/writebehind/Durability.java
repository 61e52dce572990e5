package dev.cachepatterns.cache.writebehind;

/**
 * Whether the Redis behind a write-behind component keeps what it accepted: its {@code maxmemory-policy} (one that may
 * evict keys without a TTL, {@code allkeys-*}, could drop accepted increments) and whether append-only persistence is
 * on (without it a Redis restart loses the backlog).
 */
record Durability(String evictionPolicy, boolean evictionSafe, boolean appendOnly) {}
