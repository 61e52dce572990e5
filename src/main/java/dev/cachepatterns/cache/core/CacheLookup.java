package dev.cachepatterns.cache.core;

import dev.cachepatterns.cache.Internal;

/** What one cache read found in Redis. */
@Internal
public record CacheLookup<V>(Kind kind, V value) {

    /** What a cache keeps for a key the source has no value for, so repeated reads of it do not reach the source. */
    public static final String ABSENT_MARKER = "!absent";

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

    @SuppressWarnings("unchecked")
    public static <V> CacheLookup<V> unavailable() {
        return (CacheLookup<V>) UNAVAILABLE_LOOKUP;
    }

    /**
     * What a raw Redis entry means: null is a miss, the "absent" marker a negative hit, anything else a hit when it
     * decodes. An entry that cannot be decoded (e.g. written by an older version of the type) is a miss, so the next
     * fill overwrites it.
     */
    public static <V> CacheLookup<V> decode(String raw, JsonCodec<V> codec) {
        if (raw == null) {
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
