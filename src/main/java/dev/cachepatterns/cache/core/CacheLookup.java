package dev.cachepatterns.cache.core;

import dev.cachepatterns.cache.Internal;

/**
 * What one cache read found in Redis. A miss may carry a fence: the entry's content when the reader opened it before
 * its load, which the fill must still find there to store its value (see {@code cache/aside/FencedEntries}).
 */
@Internal
public record CacheLookup<V>(Kind kind, V value, String fence) {

    /** What a cache keeps for a key the source has no value for, so repeated reads of it do not reach the source. */
    public static final String ABSENT_MARKER = "!absent";

    /** How an outstanding fence starts; an entry holding one is a miss for every reader. */
    public static final String FENCE_PREFIX = "!fence:";

    public CacheLookup(Kind kind, V value) {
        this(kind, value, null);
    }

    public enum Kind {
        HIT,
        ABSENT,
        MISS,
        UNAVAILABLE
    }

    private static final CacheLookup<?> ABSENT_LOOKUP = new CacheLookup<>(Kind.ABSENT, null);
    private static final CacheLookup<?> MISS_LOOKUP = new CacheLookup<>(Kind.MISS, null);
    private static final CacheLookup<?> UNAVAILABLE_LOOKUP = new CacheLookup<>(Kind.UNAVAILABLE, null);

    public static <V> CacheLookup<V> hit(V value) {
        return new CacheLookup<>(Kind.HIT, value);
    }

    @SuppressWarnings("unchecked")
    public static <V> CacheLookup<V> absent() {
        return (CacheLookup<V>) ABSENT_LOOKUP;
    }

    @SuppressWarnings("unchecked")
    public static <V> CacheLookup<V> miss() {
        return (CacheLookup<V>) MISS_LOOKUP;
    }

    /** A miss whose fill must find {@code fence} in the entry to store its value. */
    public static <V> CacheLookup<V> fenced(String fence) {
        return new CacheLookup<>(Kind.MISS, null, fence);
    }

    @SuppressWarnings("unchecked")
    public static <V> CacheLookup<V> unavailable() {
        return (CacheLookup<V>) UNAVAILABLE_LOOKUP;
    }

    /**
     * What a raw Redis entry means: null or an outstanding fence is a miss, the "absent" marker a negative hit, anything else a hit when it
     * decodes. An entry that cannot be decoded (e.g. written by an older version of the type) is a miss, so the next
     * fill overwrites it.
     */
    public static <V> CacheLookup<V> decode(String raw, JsonCodec<V> codec) {
        if (raw == null || raw.startsWith(FENCE_PREFIX)) {
            return miss();
        }
        if (ABSENT_MARKER.equals(raw)) {
            return absent();
        }
        V value = codec.decodeOrNull(raw);
        return value == null ? miss() : hit(value);
    }

    /** This outcome for another value type; only for outcomes without a value (absent, miss, unavailable). */
    @SuppressWarnings("unchecked")
    public <T> CacheLookup<T> withoutValue() {
        if (kind == Kind.HIT) {
            throw new IllegalStateException("a hit carries a value");
        }
        return (CacheLookup<T>) this;
    }

    public boolean answered() {
        return kind == Kind.HIT || kind == Kind.ABSENT;
    }

    public java.util.Optional<V> asOptional() {
        return java.util.Optional.ofNullable(value);
    }
}
