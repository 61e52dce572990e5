package dev.cachepatterns.cache.core;

import dev.cachepatterns.cache.Internal;

/**
 * Key naming for caches whose entries span several Redis keys: {@code <prefix>:{<id>}:<part>}. The id is a Redis
 * Cluster hash tag, so every key of one entry lives in one slot and one script or RENAME may touch them all.
 */
@Internal
public final class TaggedKeys {

    private final String prefix;

    public TaggedKeys(String prefix) {
        this.prefix = new CacheKeys(prefix).prefix();
    }

    public String of(String id, String part) {
        return prefix + ":{" + checked(id) + "}:" + part;
    }

    /** A key shared by all entries (e.g. an index of entries), deliberately outside any entry's slot. */
    public String global(String part) {
        return prefix + ':' + part;
    }

    public String prefix() {
        return prefix;
    }

    // Ids are validated by the caller; this is the last line of defence against addressing another key.
    private static String checked(String id) {
        if (id == null || id.isEmpty() || id.length() > 200) {
            throw new IllegalArgumentException("cache key part must be 1-200 characters");
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (c <= ' ' || c == ':' || c == '{' || c == '}' || c == '*' || c == '?' || c == '[' || c == ']'
                    || c == 127) {
                throw new IllegalArgumentException("cache key part contains a forbidden character");
            }
        }
        return id;
    }
}
