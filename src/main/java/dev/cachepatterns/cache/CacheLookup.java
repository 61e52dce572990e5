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

    boolean answered() {
        return kind == Kind.HIT || kind == Kind.ABSENT;
    }

    java.util.Optional<V> asOptional() {
        return java.util.Optional.ofNullable(value);
    }
}
