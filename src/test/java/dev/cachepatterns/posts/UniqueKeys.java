package dev.cachepatterns.posts;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * Test profiles of the posts tests: each run gets its own write-behind keys, so a flusher of another run (another
 * engineer's, against another database) can never take this run's entries.
 */
public abstract class UniqueKeys implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> config = new HashMap<>();
        String tag = "{posts-test-" + UUID.randomUUID() + "}";
        config.put("write-behind.posts.key-prefix", "cp:wb:" + tag);
        // The cached posts share the hash tag of the write-behind keys (WriteBehind checks it at start).
        config.put("cache.posts.key-prefix", "cp:" + tag);
        config.put("write-behind.posts.flush-interval", "0.2s");
        // The shared 2-core machine is often overloaded; a slow Redis reply should not look like an outage here.
        config.put("cache.redis.timeout", "1s");
        config.putAll(more());
        return config;
    }

    protected Map<String, String> more() {
        return Map.of();
    }
}
