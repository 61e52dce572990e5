package dev.cachepatterns.cache.refreshahead;

import java.time.Duration;
import java.util.UUID;

/**
 * Refresh-ahead settings built by a test, each under a unique key prefix. {@link #quiet} keeps both triggers away from a
 * ranking unless the test calls for them: a 10-minute TTL read as fresh for 9 minutes, and a schedule whose first run
 * is 10 minutes away, so the test drives every rebuild itself ({@code refresh}, {@code refreshHot}).
 */
record TestRefreshAheadSettings(
        String keyPrefix,
        Duration ttl,
        double refreshAheadFraction,
        Duration scheduleInterval,
        Duration hotWindow,
        Duration lockLease)
        implements RefreshAheadSettings {

    static String uniquePrefix() {
        return "t:ra:" + UUID.randomUUID().toString().substring(0, 13);
    }

    static TestRefreshAheadSettings quiet() {
        return new TestRefreshAheadSettings(
                uniquePrefix(),
                Duration.ofMinutes(10),
                0.1,
                Duration.ofMinutes(10),
                Duration.ofMinutes(5),
                Duration.ofSeconds(30));
    }

    /** Short TTL with the schedule running every second: for watching the triggers work in real time. */
    static TestRefreshAheadSettings fast() {
        return new TestRefreshAheadSettings(
                uniquePrefix(),
                Duration.ofSeconds(5),
                0.3,
                Duration.ofSeconds(1),
                Duration.ofSeconds(3),
                Duration.ofSeconds(10));
    }

    TestRefreshAheadSettings withTtl(Duration newTtl, double fraction, Duration interval) {
        return new TestRefreshAheadSettings(keyPrefix, newTtl, fraction, interval, hotWindow, lockLease);
    }

    @Override
    public boolean enabled() {
        return true;
    }

    @Override
    public Duration emptyTtl() {
        return Duration.ofSeconds(30);
    }

    @Override
    public int maxHotPerRun() {
        return 500;
    }
}
