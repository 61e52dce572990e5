package dev.cachepatterns.support.examples;

/** What a request of a scenario's mixed load must answer when Redis or Postgres fails. */
public enum Role {
    /** A read of cached data: 200 while Redis is down or hung, and while Postgres is down. */
    CACHED_READ,
    /** A read that the source answers when the cache cannot (e.g. a ranking rebuilt while Postgres is down): 200, or
     * a documented 503 while Postgres is down. */
    SOURCE_READ,
    /** A write committed to Postgres first: succeeds while Redis is down, a fast documented 503 while Postgres is. */
    DATABASE_WRITE,
    /** A write acknowledged once Redis holds it (write-behind): accepted whatever fails. */
    QUEUED_WRITE,
    /** A read of something nobody read before ({@code <example>.miss}): needs Postgres, a fast documented 503 without. */
    UNCACHED_READ;

    public boolean isRead() {
        return this == CACHED_READ || this == SOURCE_READ || this == UNCACHED_READ;
    }
}
