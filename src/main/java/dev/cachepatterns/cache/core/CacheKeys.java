package dev.cachepatterns.cache.core;

import dev.cachepatterns.cache.Internal;

/**
 * Key naming for one cache: values at {@code <prefix>:<id>} and load locks at {@code <prefix>:lock:<id>}. Ids are
 * rendered by the caller and must already be validated: a key part can never contain a separator or whitespace.
 */
@Internal
public final class CacheKeys {

    private final String prefix;

    public CacheKeys(String prefix) {
        if (prefix == null || prefix.isBlank() || prefix.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("invalid cache key prefix: '" + prefix + "'");
        }
        this.prefix = prefix;
    }

    public String value(String id) {
        return prefix + ':' + checked(id);
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
