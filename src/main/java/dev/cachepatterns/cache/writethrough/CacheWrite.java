package dev.cachepatterns.cache.writethrough;

/**
 * What a write-through write did to the cache after the source committed. Every outcome means the source holds the
 * value; only {@link #STORED} means Redis holds it (or a newer version) too.
 */
public enum CacheWrite {
    /** Redis holds the committed version or a newer one. */
    STORED("stored"),
    /** Redis could not take the value but its entry was invalidated: the next read loads it from the source. */
    INVALIDATED("invalidated"),
    /**
     * Redis could not be reached at all. This instance serves the key from the source and invalidates the Redis entry as
     * soon as Redis answers; until then other instances that can reach Redis may still see the previous version.
     */
    UNCONFIRMED("unconfirmed"),
    /** The cache is switched off: the value is in the source only. */
    DISABLED("disabled");

    private final String label;

    CacheWrite(String label) {
        this.label = label;
    }

    /** Lower-case name, used as the {@code Cache-Write} response header and the metric tag. */
    public String label() {
        return label;
    }
}
