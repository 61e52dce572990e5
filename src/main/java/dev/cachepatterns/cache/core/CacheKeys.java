package dev.cachepatterns.cache.core;

import java.util.function.LongSupplier;

import dev.cachepatterns.cache.Internal;

/**
 * Key naming for one cache: values at {@code <prefix>:<id>} and load locks at {@code <prefix>:lock:<id>}. A cache that
 * can be flushed in O(1) puts its generation in the value keys once it is above 0 ({@code <prefix>:g<n>:<id>}); the
 * generation itself is at {@code <prefix>:gen:current}. Ids are rendered by the caller and must already be validated: a
 * key part can never contain a separator or whitespace, so none of these keys can be another's.
 */
@Internal
public final class CacheKeys {

    private final String prefix;
    private final LongSupplier generation;

    public CacheKeys(String prefix) {
        this(prefix, () -> 0L);
    }

    public CacheKeys(String prefix, LongSupplier generation) {
        if (prefix == null || prefix.isBlank() || prefix.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("invalid cache key prefix: '" + prefix + "'");
        }
        this.prefix = prefix;
        this.generation = generation;
    }

    public String value(String id) {
        long current = generation.getAsLong();
        return current <= 0 ? prefix + ':' + checked(id) : prefix + ":g" + current + ':' + checked(id);
    }

    /** Where the cache's generation is kept (see {@link #value}). */
    public String generation() {
        return prefix + ":gen:current";
    }

    public String lock(String id) {
        return prefix + ":lock:" + checked(id);
    }

    public String prefix() {
        return prefix;
    }

    private static String checked(String id) {
        if (id.isEmpty() || id.length() > 200) {
            throw new IllegalArgumentException("cache key part must be 1-200 characters");
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (c <= ' ' || c == ':' || c == '*' || c == '?' || c == '[' || c == ']' || c == 127) {
                throw new IllegalArgumentException("cache key part contains a forbidden character");
            }
        }
        return id;
    }
}
