package dev.cachepatterns.leaderboards;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/** A cap of three open streams and a heartbeat every 200 ms, so the tests can reach both quickly. */
public class StreamLimitsProfile implements QuarkusTestProfile {

    static final int MAX_OPEN = 3;

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "cache.leaderboards.stream-max-open", String.valueOf(MAX_OPEN),
                "cache.leaderboards.stream-heartbeat", "200ms",
                "cache.leaderboards.stream-retry-after", "7s");
    }
}
