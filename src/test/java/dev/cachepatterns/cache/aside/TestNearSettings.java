package dev.cachepatterns.cache.aside;

import java.time.Duration;
import java.util.OptionalInt;

/** Near-tier settings built by a test. */
record TestNearSettings(
        boolean enabled,
        MemoryBound maxMemory,
        OptionalInt maxEntries,
        Duration maxTtl,
        Duration heartbeat,
        Duration maxSilence)
        implements NearSettings {

    /**
     * On, 4 MB and 1,000 entries at most, a minute at most, a heartbeat every 300 ms and 1 s of silence at most (so a
     * test sees a silent connection quickly).
     */
    static TestNearSettings on() {
        return new TestNearSettings(
                true,
                MemoryBound.of("4M"),
                OptionalInt.of(1000),
                Duration.ofMinutes(1),
                Duration.ofMillis(300),
                Duration.ofSeconds(1));
    }
}
