package dev.cachepatterns.cache.aside;

import java.util.UUID;

/**
 * A cache name and key prefix of a test's own. Meters are tagged by cache name, so counts start from zero for each test;
 * the key prefix keeps a test's entries apart from other tests and from other runs that share the Redis.
 */
public record TestCacheName(String name, String keyPrefix) {

    public static TestCacheName unique(String strategy) {
        String name = "test-" + strategy + "-" + UUID.randomUUID().toString().substring(0, 8);
        return new TestCacheName(name, "cp:" + name);
    }
}
