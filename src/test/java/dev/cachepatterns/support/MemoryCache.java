package dev.cachepatterns.support;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import io.smallrye.mutiny.Uni;

import dev.cachepatterns.cache.aside.CacheAside;
import dev.cachepatterns.cache.aside.CacheAsideFactory;
import dev.cachepatterns.cache.aside.CacheAsideSettings;
import dev.cachepatterns.cache.core.Loader;

/**
 * A cache-aside cache over an in-memory source, for platform tests that need real cache traffic (meters, logs, Redis
 * commands) but no example: ids up to 1000 exist (the value is {@code "value-<id>"}), larger ones do not.
 */
public final class MemoryCache {

    private MemoryCache() {}

    public static CacheAside<Long, String> create(CacheAsideFactory factory, String name) {
        return factory.create(name, settings(name), String.class, new MemoryLoader(), String::valueOf);
    }

    /** Counts its calls; a real service's loader reads the database. */
    public static final class MemoryLoader implements Loader<Long, String> {
        private final AtomicInteger calls = new AtomicInteger();

        @Override
        public Uni<Optional<String>> load(Long id) {
            calls.incrementAndGet();
            return Uni.createFrom().item(id <= 1000 ? Optional.of("value-" + id) : Optional.empty());
        }

        @Override
        public Uni<Map<Long, String>> loadAll(List<Long> ids) {
            calls.incrementAndGet();
            return Uni.createFrom()
                    .item(ids.stream()
                            .filter(id -> id <= 1000)
                            .collect(Collectors.toMap(id -> id, id -> "value-" + id)));
        }

        public int calls() {
            return calls.get();
        }
    }

    private static CacheAsideSettings settings(String name) {
        String prefix = "cp:test:" + name + ":" + UUID.randomUUID().toString().substring(0, 8);
        return new CacheAsideSettings() {
            @Override
            public boolean rewarmOnWrite() {
                return true;
            }

            @Override
            public boolean enabled() {
                return true;
            }

            @Override
            public String keyPrefix() {
                return prefix;
            }

            @Override
            public Duration ttl() {
                return Duration.ofMinutes(1);
            }

            @Override
            public double ttlJitter() {
                return 0.1;
            }

            @Override
            public Duration negativeTtl() {
                return Duration.ofSeconds(30);
            }

            @Override
            public Duration lockLease() {
                return Duration.ofSeconds(5);
            }

            @Override
            public Duration lockWait() {
                return Duration.ofSeconds(1);
            }
        };
    }
}
