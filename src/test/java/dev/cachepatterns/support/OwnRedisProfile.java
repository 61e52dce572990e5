package dev.cachepatterns.support;

import java.util.List;

import io.quarkus.test.junit.QuarkusTestProfile;

/** Runs the application against a redis-server of the test's own ({@link OwnRedisResource}) that tests may kill. */
public class OwnRedisProfile implements QuarkusTestProfile {

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(OwnRedisResource.class));
    }
}
