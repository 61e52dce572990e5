package dev.cachepatterns.users;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import dev.cachepatterns.support.PackagedApp;
import dev.cachepatterns.support.RedisWire;
import dev.cachepatterns.support.TwoInstances;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two packaged instances on one Redis and one Postgres ({@link TwoInstances}): a cold hot user hammered over both is
 * loaded from Postgres once, and every reader gets the same body. The users lock wait is raised to 5 s: this test is
 * about coordination, not latency. Run by failsafe in {@code ./mvnw verify}; skipped without the jar.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UsersTwoInstancesPackagedIT {

    private TwoInstances two;
    private PackagedApp a;
    private PackagedApp b;

    @BeforeAll
    void startTwoInstances() throws Exception {
        Assumptions.assumeTrue(PackagedApp.jarExists(), "packaged app missing: run ./mvnw package first");
        two = TwoInstances.start(getClass().getSimpleName(), Map.of("CACHE_USERS_LOCK_WAIT", "5s"));
        a = two.a();
        b = two.b();
    }

    @AfterAll
    void stopEverything() throws Exception {
        if (two != null) {
            two.close();
        }
    }

    private HttpResponse<String> send(PackagedApp app, String method, String path) {
        return two.send(app, method, path);
    }

    private HttpResponse<String> send(PackagedApp app, String method, String path, String json) {
        return two.send(app, method, path, json);
    }

    @Test
    void aColdHotKeyHammeredOnBothInstancesIsLoadedOnce() throws Exception {
        long warm = createUser("Warm");
        for (PackagedApp app : List.of(a, b)) {
            for (int i = 0; i < 20; i++) {
                assertThat(send(app, "GET", "/users/" + warm).statusCode()).isEqualTo(200);
            }
        }
        long id = createUser("Hot");
        try (RedisWire wire = RedisWire.connect(two.redis().port())) {
            assertThat(wire.callLong("EXISTS", "cp:users:" + id, "cp:users:lock:" + id))
                    .as("the new user is cold")
                    .isZero();
        }
        double loadsBefore = usersLoads();

        List<CompletableFuture<HttpResponse<String>>> replies = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            PackagedApp app = i % 2 == 0 ? a : b;
            replies.add(two.http()
                    .sendAsync(
                            HttpRequest.newBuilder(app.uri("/users/" + id))
                                    .timeout(Duration.ofSeconds(60))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString()));
        }
        CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);

        Set<String> bodies = new HashSet<>();
        for (CompletableFuture<HttpResponse<String>> reply : replies) {
            assertThat(reply.get().statusCode()).isEqualTo(200);
            bodies.add(reply.get().body());
        }
        assertThat(bodies).hasSize(1);
        assertThat(bodies.iterator().next()).contains("\"id\":" + id).contains("\"name\":\"Hot\"");
        System.out.printf("two instances, cold hot key: 200 GETs, %.0f database load(s)%n", usersLoads() - loadsBefore);
        assertThat(usersLoads() - loadsBefore)
                .as("database loads of the hot key over both instances")
                .isEqualTo(1.0);
    }

    private long createUser(String name) {
        String body = "{\"name\":\"" + name + "\",\"email\":\"" + name.toLowerCase() + "-" + UUID.randomUUID()
                + "@example.com\",\"avatarUrl\":\"https://img.example.com/a.png\"}";
        HttpResponse<String> reply = send(a, "POST", "/users", body);
        assertThat(reply.statusCode()).isEqualTo(201);
        String json = reply.body();
        int at = json.indexOf("\"id\":") + "\"id\":".length();
        int end = at;
        while (Character.isDigit(json.charAt(end))) {
            end++;
        }
        return Long.parseLong(json.substring(at, end));
    }

    private double usersLoads() {
        return a.metric("cache_loads_total", "cache=\"users\"") + b.metric("cache_loads_total", "cache=\"users\"");
    }
}
