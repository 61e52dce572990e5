package dev.cachepatterns.cache.aside;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.inject.Inject;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.PgBuilder;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.PoolOptions;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;

import dev.cachepatterns.support.TcpProxy;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The race of {@link CacheAsideFencedFillTest} left to chance, many times: Postgres is reached through a proxy that
 * delays every chunk by 0–{@value #MAX_DELAY_MS} ms (so loads and commits finish in any order), and each round drops a
 * row's entry, then sends 8 concurrent reads (4 on each of two instances of the cache, so the cross-instance lock and
 * its waiters take part) and one write (commit, then invalidate) at once. Once all have answered, Redis must hold
 * nothing, a fence, or exactly the committed row. Half the lanes re-warm on write, half do not. It runs for {@code
 * -Dfences.stress.seconds} (default 20 s) and logs the rounds, the stale entries found and the fills the fences refused.
 */
@QuarkusTest
class CacheAsideStaleFillStressTest {

    private static final Logger LOG = Logger.getLogger(CacheAsideStaleFillStressTest.class);
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final long MAX_DELAY_MS = 15;
    private static final int LANES = 4;
    private static final int READERS = 8;

    @Inject
    CacheAsideFactory factory;

    @Inject
    Pool pool;

    @Inject
    RedisDataSource redis;

    @Inject
    MeterRegistry registry;

    @Inject
    Vertx vertx;

    @ConfigProperty(name = "quarkus.datasource.reactive.url")
    String databaseUrl;

    @ConfigProperty(name = "quarkus.datasource.username")
    String databaseUser;

    @Test
    void noRoundLeavesAnOldRowInRedis() throws Exception {
        long seconds = Long.getLong("fences.stress.seconds", 20);
        PgConnectOptions direct = PgConnectOptions.fromUri(databaseUrl.replaceFirst("^vertx-reactive:", ""))
                .setUser(databaseUser)
                .setCachePreparedStatements(true);
        try (TcpProxy proxy = new TcpProxy(direct.getPort())) {
            proxy.latency(0, MAX_DELAY_MS);
            Pool slow = PgBuilder.pool()
                    .with(new PoolOptions().setMaxSize(16))
                    .connectingTo(new PgConnectOptions(direct).setPort(proxy.port()))
                    .using(vertx)
                    .build();
            try {
                run(slow, seconds);
            } finally {
                slow.closeAndAwait();
            }
        }
    }

    private void run(Pool slow, long seconds) throws Exception {
        AtomicLong rounds = new AtomicLong();
        AtomicInteger stale = new AtomicInteger();
        List<String> names = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        ExecutorService lanes = Executors.newFixedThreadPool(LANES);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int lane = 0; lane < LANES; lane++) {
                boolean rewarm = lane % 2 == 0;
                AsideUnderTest one = AsideUnderTest.create(
                        factory,
                        slow,
                        settings -> settings.withRewarmOnWrite(rewarm).withLockWait(Duration.ofMillis(20)));
                AsideUnderTest other = one.sibling(factory, slow, settings -> settings);
                names.add(one.name());
                running.add(lanes.submit(() -> {
                    runLane(one, other, deadline, rounds, stale);
                    return null;
                }));
            }
            for (Future<?> lane : running) {
                lane.get(seconds + WAIT.toSeconds(), TimeUnit.SECONDS);
            }
        } finally {
            lanes.shutdownNow();
        }
        double refused = names.stream().mapToDouble(this::fenceRejections).sum();
        LOG.infof(
                "stale-fill stress: %d rounds in %d s, %d stale entries, %.0f fills refused by their fence",
                rounds.get(), seconds, stale.get(), refused);
        assertThat(rounds.get()).isPositive();
        assertThat(stale.get()).isZero();
    }

    private void runLane(
            AsideUnderTest one, AsideUnderTest other, long deadline, AtomicLong rounds, AtomicInteger stale)
            throws Exception {
        TestRow row = one.rows().insert("round-0");
        for (int round = 1; System.nanoTime() < deadline; round++) {
            one.cache().evict(row.id()).await().atMost(WAIT);
            AsideUnderTest writer = round % 2 == 0 ? one : other;
            String name = "round-" + round;
            CompletableFuture<TestRow> write = writer.rows()
                    .renameLater(row.id(), name)
                    .call(() -> writer.cache().invalidate(row.id()))
                    .subscribeAsCompletionStage();
            ConcurrentCalls<Optional<TestRow>> reads = ConcurrentCalls.start(
                    vertx,
                    READERS,
                    () -> (ThreadLocalRandom.current().nextBoolean() ? one : other)
                            .cache()
                            .get(row.id()));
            reads.join(WAIT);
            write.get(WAIT.toSeconds(), TimeUnit.SECONDS);

            String cached = redis.value(String.class).get(one.key(row.id()));
            TestRow committed = one.rows().inSource(row.id()).orElseThrow();
            if (cached != null
                    && !cached.startsWith("!fence:")
                    && !cached.contains("\"name\":\"" + committed.name() + "\"")) {
                stale.incrementAndGet();
                LOG.warnf("stale entry after round %d: Redis %s, Postgres %s", round, cached, committed);
            }
            rounds.incrementAndGet();
        }
    }

    private double fenceRejections(String cache) {
        Counter counter =
                registry.find("cache.fence.rejections").tag("cache", cache).counter();
        return counter == null ? 0 : counter.count();
    }
}
