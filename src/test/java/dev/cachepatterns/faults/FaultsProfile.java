package dev.cachepatterns.faults;

import java.util.List;
import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

import dev.cachepatterns.support.examples.ExampleUnderTest;
import dev.cachepatterns.support.examples.Examples;

/** One application start shared by every fault test: own Redis and Postgres behind proxies ({@link FaultServers}). */
public class FaultsProfile implements QuarkusTestProfile {

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(FaultServers.class));
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        // The Redis time-out stays at its default (250 ms): it is the bound these tests assert.
        return Examples.settings(ExampleUnderTest::quickBackgroundWork);
    }
}
