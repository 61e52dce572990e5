package dev.cachepatterns.users;

import java.util.Map;
import java.util.UUID;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * The users cache follows the table's change notifications (off in the other tests), under a key prefix of its own so
 * the generations this profile's tests bump never move the keys the other tests compute.
 */
public class SourceFollowingProfile implements QuarkusTestProfile {

    static final String KEY_PREFIX =
            "cp:users:src-" + UUID.randomUUID().toString().substring(0, 8);

    @Override
    public Map<String, String> getConfigOverrides() {
        // A long negative TTL: an "absent" marker that goes away must have been dropped by a notification.
        return Map.of(
                "cache.users.follow-source",
                "true",
                "cache.users.key-prefix",
                KEY_PREFIX,
                "cache.users.negative-ttl",
                "60s");
    }
}
