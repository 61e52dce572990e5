package dev.cachepatterns.support;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

import dev.cachepatterns.support.examples.ExampleUnderTest;
import dev.cachepatterns.support.examples.Examples;

/**
 * The application as the restricted service user, over TLS (the {@code redis-tls} configuration profile), on a Redis
 * of the test's own ({@link SecureRedisResource}).
 */
public class SecureRedisProfile implements QuarkusTestProfile {

    /** The redis-tls configuration profile of application.properties, as a deployment would use it. */
    @Override
    public String getConfigProfile() {
        return "test,redis-tls";
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        // TLS handshakes of a cold JVM on the busy 2-core machine can take longer than the 250 ms default: a slow
        // reply should not look like an outage here.
        // Every example's optional parts on: a near tier's tracking connection (HELLO, CLIENT SETNAME/TRACKING, ROLE,
        // SUBSCRIBE to its own channel) must be allowed by the ACL too.
        Map<String, String> settings = new HashMap<>(Examples.settings(ExampleUnderTest::everythingOn));
        settings.put("cache.redis.timeout", "1s");
        return settings;
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(SecureRedisResource.class));
    }
}
