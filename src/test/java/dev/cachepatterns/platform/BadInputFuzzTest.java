package dev.cachepatterns.platform;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import jakarta.inject.Inject;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.eclipse.microprofile.config.Config;
import org.junit.jupiter.api.Test;

import dev.cachepatterns.cache.redis.RedisResilienceConfig;
import dev.cachepatterns.support.OwnRedisProfile;
import dev.cachepatterns.support.OwnRedisResource;
import dev.cachepatterns.support.RedisMonitor;
import dev.cachepatterns.support.RedisWire;
import dev.cachepatterns.support.examples.ExampleUnderTest;
import dev.cachepatterns.support.examples.Examples;
import dev.cachepatterns.support.fuzz.Fuzz;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad input over every endpoint of the examples present (each states its endpoints and rules, {@link
 * ExampleUnderTest#fuzz}) and the platform's own: every answer must be 2xx or 4xx, every 4xx a problem document, and a
 * key-forming input is answered exactly as its documented rule says (a valid one is never a 400, an invalid one always
 * a 4xx). Meanwhile {@code MONITOR} on the app's own Redis records every command: every key touched (as Redis computes
 * keys, {@code COMMAND GETKEYS}, also inside scripts), every key announced on the fill channel and every key left in the
 * keyspace must lie under one of the configured prefixes and consist of printable ASCII without glob characters.
 */
@QuarkusTest
@TestProfile(OwnRedisProfile.class)
class BadInputFuzzTest {

    /** A key the service may form: printable ASCII, no space, quote, backslash or glob character. */
    private static final Pattern SAFE_KEY = Pattern.compile("[!#-)+-/0-9;-Z^-~:]+");

    @TestHTTPResource("/")
    URI base;

    @Inject
    RedisResilienceConfig redisConfig;

    @Inject
    Config config;

    private final List<String> failures = new ArrayList<>();

    @Test
    void everyEndpointAnswersBadInputWith4xxAndTouchesOnlyTheServicesKeys() {
        List<String> prefixes = Examples.all().stream()
                .flatMap(example -> example.keyPrefixProperties().stream())
                .map(property -> config.getValue(property, String.class))
                .toList();
        // Keys that other test classes left in this Redis (strategy suites use caches of their own) are not the fuzz's.
        Set<String> before;
        try (RedisWire wire = RedisWire.connect(OwnRedisResource.server().port())) {
            before = new HashSet<>(wire.scanAll());
        }
        Fuzz fuzz = new Fuzz(base);
        long started = System.nanoTime();
        List<RedisMonitor.Command> commands;
        try (RedisMonitor monitor = RedisMonitor.start(OwnRedisResource.server().port())) {
            Examples.all().forEach(example -> example.fuzz(fuzz));
            for (Fuzz.Slot s : fuzz.slots()) {
                // No route: a 4xx problem, except segments the server normalises onto another route.
                fuzz.expect(
                        "GET /{unknown}", fuzz.send("GET", "/nothing-here/" + s.encoded()), Fuzz.rule(s, raw -> false));
            }
            commands = monitor.drain();
            checkKeys(monitor, commands, prefixes);
        }
        System.out.printf(
                "fuzz: %d requests over %s, %d Redis commands recorded, %d s%n",
                fuzz.requests(),
                Examples.all().stream().map(ExampleUnderTest::name).toList(),
                commands.size(),
                Duration.ofNanos(System.nanoTime() - started).toSeconds());

        try (RedisWire wire = RedisWire.connect(OwnRedisResource.server().port())) {
            for (String key : wire.scanAll()) {
                if (before.contains(key)) {
                    continue;
                }
                checkKey("keyspace", key, prefixes);
            }
        }
        assertThat(fuzz.requests()).isGreaterThan(200 + 500 * Examples.all().size());
        assertThat(fuzz.failures()).as("%d failures", fuzz.failures().size()).isEmpty();
        assertThat(failures).as("%d keys outside the prefixes", failures.size()).isEmpty();
    }

    private void checkKeys(RedisMonitor monitor, List<RedisMonitor.Command> commands, List<String> prefixes) {
        Map<List<String>, List<String>> keys = monitor.keysOf(commands);
        for (RedisMonitor.Command command : commands) {
            for (String key : keys.getOrDefault(command.args(), List.of())) {
                checkKey(command.name(), key, prefixes);
            }
            // Fill announcements carry a key name as their message.
            if (command.name().equals("PUBLISH") && command.args().get(1).equals(redisConfig.fillChannel())) {
                checkKey("PUBLISH " + redisConfig.fillChannel(), command.args().get(2), prefixes);
            }
        }
    }

    private void checkKey(String where, String key, List<String> prefixes) {
        boolean prefixed = prefixes.stream().anyMatch(prefix -> key.startsWith(prefix + ":"));
        if (!prefixed || !SAFE_KEY.matcher(key).matches()) {
            String shown = key.length() <= 120 ? key : key.substring(0, 120) + "…";
            failures.add(where + " touched key '" + shown.replace("\r", "\\r").replace("\n", "\\n") + "'");
        }
    }
}
