package dev.cachepatterns.users;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import jakarta.inject.Inject;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.cachepatterns.cache.DistributedLock;
import dev.cachepatterns.support.Metrics;
import dev.cachepatterns.support.Users;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Another instance holding the load lock is simulated by taking the lock in Redis from the test: this instance must wait
 * for that instance's fill instead of reading Postgres, and fall back to its own load when none comes.
 */
@QuarkusTest
class UserCrossInstanceLockTest {

    @Inject
    MeterRegistry registry;

    @Inject
    RedisDataSource redis;

    @Inject
    UserService service;

    @Inject
    DistributedLock lock;

    @TestHTTPResource("/users")
    URI usersUri;

    private CompletableFuture<HttpResponse<String>> getAsync(long id) {
        HttpRequest request =
                HttpRequest.newBuilder(usersUri.resolve("/users/" + id)).build();
        return HttpClient.newHttpClient().sendAsync(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aWaiterGetsTheValueTheLockOwnerWritesWithoutReadingPostgres() {
        Metrics metrics = new Metrics(registry);
        long id = Users.create("Waiter");
        String key = service.cache().keyOf(id);
        redis.key().del(key);
        redis.value(String.class).psetex("cp:users:lock:" + id, 10_000, "token-of-another-instance");
        double loadsBefore = metrics.loads("users");
        double lockWaitsBefore = registry.find("cache.lock.waits")
                .tag("cache", "users")
                .counter()
                .count();

        CompletableFuture<HttpResponse<String>> response = getAsync(id);
        Awaitility.await()
                .atMost(Duration.ofSeconds(5))
                .until(() -> registry.find("cache.lock.waits")
                                .tag("cache", "users")
                                .counter()
                                .count()
                        > lockWaitsBefore);

        // This instance listens for fill announcements (subscribed at start).
        Awaitility.await()
                .atMost(Duration.ofSeconds(5))
                .until(() ->
                        redis.execute("PUBSUB", "NUMSUB", "cp:fills").get(1).toLong() > 0);
        // The "other instance" fills the key and announces it, as CacheAside does after its load.
        String filled =
                "{\"id\":" + id + ",\"name\":\"Filled elsewhere\",\"email\":\"w@example.com\",\"avatarUrl\":null}";
        redis.value(String.class).psetex(key, 60_000, filled);
        redis.pubsub(String.class).publish("cp:fills", key);

        HttpResponse<String> answer = response.join();
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).contains("Filled elsewhere");
        assertThat(metrics.loads("users")).isEqualTo(loadsBefore);
    }

    @Test
    void aWaiterLoadsByItselfWhenTheLockOwnerNeverFills() {
        Metrics metrics = new Metrics(registry);
        long id = Users.create("Orphan");
        String key = service.cache().keyOf(id);
        redis.key().del(key);
        // A lock whose owner died: nobody will fill the key before its lease ends.
        redis.value(String.class).psetex("cp:users:lock:" + id, 10_000, "token-of-a-dead-instance");
        double loadsBefore = metrics.loads("users");

        HttpResponse<String> answer = getAsync(id).join();

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).contains("Orphan");
        assertThat(metrics.loads("users")).isEqualTo(loadsBefore + 1);
        assertThat(redis.value(String.class).get(key)).contains("Orphan");
    }

    @Test
    void onlyTheOwnerOfALockCanReleaseIt() {
        String lockKey = "cp:users:lock:test-" + System.nanoTime();
        Optional<String> token =
                lock.tryAcquire(lockKey, Duration.ofSeconds(10)).await().indefinitely();
        assertThat(token).isPresent();
        assertThat(lock.tryAcquire(lockKey, Duration.ofSeconds(10)).await().indefinitely())
                .isEmpty();

        assertThat(lock.release(lockKey, "not-the-owner").await().indefinitely())
                .isFalse();
        assertThat(redis.key().exists(lockKey)).isTrue();
        assertThat(redis.key().pttl(lockKey)).isBetween(1L, 10_000L);

        assertThat(lock.release(lockKey, token.get()).await().indefinitely()).isTrue();
        assertThat(redis.key().exists(lockKey)).isFalse();
    }
}
