package dev.cachepatterns.cache.writebehind;

import java.util.List;
import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

import dev.cachepatterns.support.OwnRedisWithArgsResource;

/**
 * The profile of the strategy tests under {@code cache/writebehind} and {@code cache/refreshahead}: a Redis call time-out
 * of 2 s instead of 250 ms, because the machine the tests share is often overloaded and a slow reply must not look like
 * an outage there (which would send increments down the synchronous path or defer a flush). Every test builds its own
 * strategy instances under its own key prefix, so one application serves them all.
 */
public class StrategyTestProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("cache.redis.timeout", "2s");
    }

    /**
     * The same, against a redis-server of the tests' own that they may kill, pause and restart; with append-only
     * persistence ({@code appendfsync always}), so a restarted Redis still holds what it had, as a production Redis
     * would.
     */
    public static class OwnRedis extends StrategyTestProfile {

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(
                    OwnRedisWithArgsResource.class, Map.of("args", "--appendonly yes --appendfsync always")));
        }
    }
}
