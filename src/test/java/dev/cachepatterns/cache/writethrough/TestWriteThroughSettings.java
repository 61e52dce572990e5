package dev.cachepatterns.cache.writethrough;

import java.time.Duration;

/** Write-through settings built by a test, with the documented defaults. */
record TestWriteThroughSettings(
        boolean enabled,
        String keyPrefix,
        Duration ttl,
        double ttlJitter,
        Duration negativeTtl,
        Duration lockLease,
        Duration lockWait,
        int maxUntrustedKeys)
        implements WriteThroughSettings {

    static TestWriteThroughSettings defaults(String keyPrefix) {
        return new TestWriteThroughSettings(
                true,
                keyPrefix,
                Duration.ofMinutes(10),
                0.1,
                Duration.ofSeconds(30),
                Duration.ofSeconds(5),
                Duration.ofSeconds(1),
                10_000);
    }

    TestWriteThroughSettings withEnabled(boolean on) {
        return new TestWriteThroughSettings(
                on, keyPrefix, ttl, ttlJitter, negativeTtl, lockLease, lockWait, maxUntrustedKeys);
    }
}
