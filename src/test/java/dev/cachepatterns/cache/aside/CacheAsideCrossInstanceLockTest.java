package dev.cachepatterns.cache.aside;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.cachepatterns.cache.core.DistributedLock;
import dev.cachepatterns.cache.redis.RedisResilienceConfig;
import dev.cachepatterns.support.Metrics;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Cache-aside keeps a cold key to one load across instances: the loader holds the key's lock in Redis while it loads,
 * and an instance that finds the lock taken waits for the owner's fill announcement and serves that value without
 * loading; when no fill comes within {@code lock-wait} it loads by itself. Another instance is played by the test,
 * which takes the lock and fills the key in Redis as that instance would. Only the owner of a lock can release it, so a
 * waiter never frees another instance's lock.
 */
@QuarkusTest
class CacheAsideCrossInstanceLockTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    CacheAsideFactory factory;

    @Inject
    Pool pool;

    @Inject
    RedisDataSource redis;

    @Inject
    MeterRegistry registry;

    @Inject
    DistributedLock lock;

    @Inject
    RedisResilienceConfig redisConfig;

    @Test
    void aWaiterGetsTheValueTheLockOwnerFillsWithoutLoading() {
        // A lock wait far longer than the test needs: the fill below must be what ends the wait.
        AsideUnderTest under =
                AsideUnderTest.create(factory, pool, settings -> settings.withLockWait(Duration.ofMinutes(2)));
        Metrics metrics = new Metrics(registry);
        TestRow row = under.rows().insert("Waiter");
        redis.value(String.class).psetex(under.lockKey(row.id()), 120_000, "token-of-another-instance");

        CompletableFuture<Optional<TestRow>> read = under.cache().get(row.id()).subscribeAsCompletionStage();
        Awaitility.await().atMost(WAIT).until(() -> lockWaits(under.name()) == 1);
        // This instance listens for fill announcements (it subscribes at start).
        Awaitility.await()
                .atMost(WAIT)
                .until(() -> redis.execute("PUBSUB", "NUMSUB", redisConfig.fillChannel())
                                .get(1)
                                .toLong()
                        > 0);
        // The other instance fills the key and announces it, as a loader does after its load.
        redis.value(String.class)
                .psetex(under.key(row.id()), 60_000, "{\"id\":" + row.id() + ",\"name\":\"Filled elsewhere\"}");
        redis.pubsub(String.class).publish(redisConfig.fillChannel(), under.key(row.id()));

        assertThat(read.orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join())
                .contains(new TestRow(row.id(), "Filled elsewhere"));
        assertThat(metrics.loads(under.name())).isZero();
        assertThat(redis.value(String.class).get(under.lockKey(row.id()))).isEqualTo("token-of-another-instance");
    }

    @Test
    void aWaiterLoadsByItselfWhenTheLockOwnerNeverFillsAndLeavesItsLockAlone() {
        AsideUnderTest under =
                AsideUnderTest.create(factory, pool, settings -> settings.withLockWait(Duration.ofMillis(300)));
        Metrics metrics = new Metrics(registry);
        TestRow row = under.rows().insert("Orphan");
        // A lock whose owner died: nobody fills the key before its lease ends.
        redis.value(String.class).psetex(under.lockKey(row.id()), 120_000, "token-of-a-dead-instance");

        assertThat(under.cache().get(row.id()).await().atMost(WAIT)).contains(row);

        assertThat(lockWaits(under.name())).isEqualTo(1);
        assertThat(metrics.loads(under.name())).isEqualTo(1);
        assertThat(redis.value(String.class).get(under.key(row.id()))).contains("\"name\":\"Orphan\"");
        assertThat(redis.value(String.class).get(under.lockKey(row.id()))).isEqualTo("token-of-a-dead-instance");
    }

    @Test
    void theLoaderHoldsTheLockWhileItLoadsAndReleasesItAfterTheFill() {
        // A lease far longer than the test needs, so the lock cannot expire while the test looks at it.
        AsideUnderTest under =
                AsideUnderTest.create(factory, pool, settings -> settings.withLockLease(Duration.ofMinutes(2)));
        TestRow row = under.rows().insert("Owner");
        CompletableFuture<Void> release = new CompletableFuture<>();
        under.rows().holdLoadsUntil(release);

        CompletableFuture<Optional<TestRow>> read = under.cache().get(row.id()).subscribeAsCompletionStage();
        Awaitility.await().atMost(WAIT).until(() -> under.rows().singleLoads() == 1);

        // What another instance would see while this one loads: the lock is taken, the entry not yet filled.
        assertThat(redis.key().exists(under.lockKey(row.id()))).isTrue();
        assertThat(lock.tryAcquire(under.lockKey(row.id()), Duration.ofSeconds(10))
                        .await()
                        .atMost(WAIT))
                .isEmpty();
        // The entry holds only the loader's fence (a miss for every reader) until the fill replaces it.
        assertThat(redis.value(String.class).get(under.key(row.id()))).startsWith("!fence:");
        release.complete(null);

        assertThat(read.orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join()).contains(row);
        assertThat(redis.key().exists(under.key(row.id()))).isTrue();
        assertThat(redis.key().exists(under.lockKey(row.id()))).isFalse();
    }

    @Test
    void onlyTheOwnerOfALockCanReleaseIt() {
        String lockKey = TestCacheName.unique("lock").keyPrefix() + ":lock:1";
        Optional<String> token =
                lock.tryAcquire(lockKey, Duration.ofSeconds(30)).await().atMost(WAIT);
        assertThat(token).isPresent();
        assertThat(lock.tryAcquire(lockKey, Duration.ofSeconds(30)).await().atMost(WAIT))
                .isEmpty();

        assertThat(lock.release(lockKey, "not-the-owner").await().atMost(WAIT)).isFalse();
        assertThat(redis.key().exists(lockKey)).isTrue();
        assertThat(redis.key().pttl(lockKey)).isBetween(1L, 30_000L);

        assertThat(lock.release(lockKey, token.get()).await().atMost(WAIT)).isTrue();
        assertThat(redis.key().exists(lockKey)).isFalse();
    }

    private double lockWaits(String cache) {
        Counter counter = registry.find("cache.lock.waits").tag("cache", cache).counter();
        return counter == null ? 0 : counter.count();
    }
}
