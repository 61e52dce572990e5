package dev.cachepatterns.support;

import java.time.Duration;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Starts a {@link RedisSentinelSetup} (primary, replica, three sentinels) and points the application's {@code sentinel}
 * configuration profile at its sentinels. Nothing else changes: the service runs on Sentinel by configuration alone.
 */
public class SentinelResource implements QuarkusTestResourceLifecycleManager {

    /** Fast enough for a test, slow enough that a busy 2-core machine does not fail over by accident. */
    public static final Duration DOWN_AFTER = Duration.ofMillis(1500);

    private static volatile RedisSentinelSetup setup;

    public static RedisSentinelSetup setup() {
        return setup;
    }

    @Override
    public Map<String, String> start() {
        setup = new RedisSentinelSetup(DOWN_AFTER, Duration.ofSeconds(10)).start();
        return Map.of("quarkus.redis.hosts", setup.sentinelHosts());
    }

    @Override
    public void stop() {
        if (setup != null) {
            setup.close();
        }
    }
}
