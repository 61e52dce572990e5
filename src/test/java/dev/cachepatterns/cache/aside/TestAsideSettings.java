package dev.cachepatterns.cache.aside;

import java.time.Duration;

/** Cache-aside settings built by a test, starting from the documented defaults except for a short negative TTL (5 s). */
record TestAsideSettings(
        boolean enabled,
        String keyPrefix,
        Duration ttl,
        double ttlJitter,
        Duration negativeTtl,
        Duration lockLease,
        Duration lockWait,
        boolean rewarmOnWrite)
        implements CacheAsideSettings {

    static TestAsideSettings defaults(String keyPrefix) {
        return new TestAsideSettings(
                true,
                keyPrefix,
                Duration.ofMinutes(10),
                0.1,
                Duration.ofSeconds(5),
                Duration.ofSeconds(5),
                Duration.ofSeconds(1),
                true);
    }

    TestAsideSettings withEnabled(boolean on) {
        return new TestAsideSettings(on, keyPrefix, ttl, ttlJitter, negativeTtl, lockLease, lockWait, rewarmOnWrite);
    }

    TestAsideSettings withNegativeTtl(Duration value) {
        return new TestAsideSettings(enabled, keyPrefix, ttl, ttlJitter, value, lockLease, lockWait, rewarmOnWrite);
    }

    TestAsideSettings withLockLease(Duration value) {
        return new TestAsideSettings(enabled, keyPrefix, ttl, ttlJitter, negativeTtl, value, lockWait, rewarmOnWrite);
    }

    TestAsideSettings withLockWait(Duration value) {
        return new TestAsideSettings(enabled, keyPrefix, ttl, ttlJitter, negativeTtl, lockLease, value, rewarmOnWrite);
    }

    TestAsideSettings withRewarmOnWrite(boolean on) {
        return new TestAsideSettings(enabled, keyPrefix, ttl, ttlJitter, negativeTtl, lockLease, lockWait, on);
    }
}
