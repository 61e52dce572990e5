package dev.cachepatterns.cache.core;

import dev.cachepatterns.cache.Internal;

/**
 * What one cache read found in Redis. A miss may carry a fence: the entry's content when the reader opened it before
 * its load, which the fill must still find there to store its value (see {@code cache/aside/FencedEntries}). What an
 * entry's text means is {@link EntryFormat}'s.
 */
@Internal
public record CacheLookup<V>(Kind kind, V value, String fence) {

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
