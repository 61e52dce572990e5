package dev.cachepatterns.cache.aside;

import java.time.Duration;

/** Near-tier settings built by a test. */
record TestNearSettings(boolean enabled, int maxEntries, Duration maxTtl, Duration heartbeat, Duration maxSilence)
        implements NearSettings {

    /**
     * On, 1,000 entries, a minute at most, a heartbeat every 300 ms and 1 s of silence at most (so a test sees a silent
     * connection quickly).
     */
    static TestNearSettings on() {
        return new TestNearSettings(true, 1000, Duration.ofMinutes(1), Duration.ofMillis(300), Duration.ofSeconds(1));
    }
}
