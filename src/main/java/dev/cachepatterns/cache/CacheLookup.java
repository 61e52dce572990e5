package dev.cachepatterns.cache;

/** What one cache read found in Redis. */
record CacheLookup<V>(Kind kind, V value) {

    enum Kind {
        HIT,
        ABSENT,
        MISS,
        UNAVAILABLE
    }

    private static final CacheLookup<?> ABSENT_LOOKUP = new CacheLookup<>(Kind.ABSENT, null);
    private static final CacheLookup<?> MISS_LOOKUP = new CacheLookup<>(Kind.MISS, null);
    private static final CacheLookup<?> UNAVAILABLE_LOOKUP = new CacheLookup<>(Kind.UNAVAILABLE, null);

    static <V> CacheLookup<V> hit(V value) {
        return new CacheLookup<>(Kind.HIT, value);
    }

    @SuppressWarnings("unchecked")
    static <V> CacheLookup<V> absent() {
        return (CacheLookup<V>) ABSENT_LOOKUP;
    }

    @SuppressWarnings("unchecked")
    static <V> CacheLookup<V> miss() {
        return (CacheLookup<V>) MISS_LOOKUP;
    }

    @SuppressWarnings("unchecked")
    static <V> CacheLookup<V> unavailable() {
        return (CacheLookup<V>) UNAVAILABLE_LOOKUP;
    }

    /**
     * What a raw Redis entry means: null is a miss, the "absent" marker a negative hit, anything else a hit when it
     * decodes. An entry that cannot be decoded (e.g. written by an older version of the type) is a miss, so the next
     * fill overwrites it.
     */
    static <V> CacheLookup<V> decode(String raw, JsonCodec<V> codec) {
        if (raw == null) {
            return miss();
        }
        if (CacheAside.ABSENT.equals(raw)) {
            return absent();
        }
        V value = codec.decodeOrNull(raw);
        return value == null ? miss() : hit(value);
    }

    /** This outcome for another value type; only for outcomes without a value (absent, miss, unavailable). */
    @SuppressWarnings("unchecked")
    <T> CacheLookup<T> withoutValue() {
        if (kind == Kind.HIT) {
            throw new IllegalStateException("a hit carries a value");
        }
        return (CacheLookup<T>) this;
    }

    boolean answered() {
        return kind == Kind.HIT || kind == Kind.ABSENT;
    }

    java.util.Optional<V> asOptional() {
        return java.util.Optional.ofNullable(value);
    }
}
