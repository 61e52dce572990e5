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

    /**
     * The near tier across instances: B serves a user from its JVM; A acknowledges a PUT of it; from the moment B
     * answers the new value, B never answers the old one again. The delay between A's acknowledgement and B's first new
     * answer (Redis' invalidation push plus one HTTP round trip) is printed as p50/p99/max.
     */
    @Test
    void aPutAcknowledgedByOneInstanceIsNotFollowedByAnOldValueFromTheOther() {
        long id = createUser("Near");
        String path = "/users/" + id;
        double nearHitsBefore = nearHits(b);
        for (int i = 0; i < 5; i++) {
            assertThat(send(b, "GET", path).statusCode()).isEqualTo(200);
        }
        assertThat(nearHits(b)).as("B serves the user from its near tier").isGreaterThan(nearHitsBefore);

        int rounds = 200;
        List<Long> delaysMicros = new ArrayList<>();
        List<Long> roundTripsMicros = new ArrayList<>();
        int oldAfterNew = 0;
        int oldAfterAck = 0;
        for (int round = 1; round <= rounds; round++) {
            String name = "Near v" + round;
            String body = "{\"name\":\"" + name + "\",\"email\":\"near-" + id
                    + "@example.com\",\"avatarUrl\":\"https://img.example.com/a.png\"}";
            assertThat(send(a, "PUT", path, body).statusCode()).isEqualTo(200);
            long acknowledged = System.nanoTime();
            while (!send(b, "GET", path).body().contains("\"" + name + "\"")) {
                oldAfterAck++;
                assertThat(System.nanoTime() - acknowledged)
                        .as("B still answers the old value")
                        .isLessThan(Duration.ofSeconds(5).toNanos());
            }
            delaysMicros.add((System.nanoTime() - acknowledged) / 1000);
            for (int check = 0; check < 3; check++) {
                long sent = System.nanoTime();
                boolean fresh = send(b, "GET", path).body().contains("\"" + name + "\"");
                roundTripsMicros.add((System.nanoTime() - sent) / 1000);
                if (!fresh) {
                    oldAfterNew++;
                }
            }
        }
        delaysMicros.sort(Long::compare);
        roundTripsMicros.sort(Long::compare);
        System.out.printf(
                "two instances, near tier: %d PUTs on A, delay until B answers the new value p50=%.2f ms p99=%.2f ms"
                        + " max=%.2f ms (one GET of B takes p50=%.2f ms); %d answers from B were old after A's"
                        + " acknowledgement, near hits on B %.0f%n",
                rounds,
                delaysMicros.get(rounds / 2) / 1000.0,
                delaysMicros.get(rounds * 99 / 100 - 1) / 1000.0,
                delaysMicros.get(rounds - 1) / 1000.0,
                roundTripsMicros.get(roundTripsMicros.size() / 2) / 1000.0,
                oldAfterAck,
                nearHits(b) - nearHitsBefore);
        assertThat(oldAfterNew)
                .as("old answers from B after it had answered the new value")
                .isZero();
        assertThat(nearHits(b) - nearHitsBefore)
                .as("B kept serving from its near tier")
                .isGreaterThan(rounds);
    }

    private static double nearHits(PackagedApp app) {
        return app.metric("cache_gets_total", "cache=\"users\"", "result=\"near_hit\"");
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
