package dev.cachepatterns.cache.writethrough;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Inject;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.cachepatterns.cache.aside.ConcurrentCalls;
import dev.cachepatterns.support.Metrics;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Write-through never leaves an older version in Redis after a newer one was stored: a writer whose cache update comes
 * after a faster writer's cannot overwrite the newer version, and a reader that loaded the row before a write cannot
 * fill it after the write. Each race is made deterministic by holding one side until the other has finished; a stress
 * run then races concurrent writers and slow readers on one key for many rounds and checks that Redis always ends at
 * the database's version.
 */
@QuarkusTest
class WriteThroughRaceTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int ROUNDS = 20;
    private static final int WRITERS = 6;
    private static final int READERS = 6;

    @Inject
    WriteThroughFactory factory;

    @Inject
    Pool pool;

    @Inject
    RedisDataSource redis;

    @Inject
    MeterRegistry registry;

    @Inject
    Vertx vertx;

    @Test
    void aSlowerWriterCannotOverwriteANewerVersion() {
        ThroughUnderTest under = ThroughUnderTest.create(factory, pool);
        String id = ItemTable.uniqueId("slow");
        write(under, id, "Original");
        CompletableFuture<Written<TestItem>> fastFinished = new CompletableFuture<>();

        // The slow writer commits v2, then its cache update waits until the fast writer has finished completely.
        Uni<TestItem> slowCommit =
                under.items().upsert(id, "Slow").call(() -> Uni.createFrom().completionStage(fastFinished));
        CompletableFuture<Written<TestItem>> slow =
                under.cache().write(id, slowCommit).subscribeAsCompletionStage();
        Awaitility.await()
                .atMost(WAIT)
                .until(() -> under.items().inSource(id).orElseThrow().version() == 2);

        Written<TestItem> fast = write(under, id, "Fast");
        assertThat(fast).isEqualTo(new Written<>(new TestItem(id, "Fast", 3), CacheWrite.STORED));
        fastFinished.complete(fast);

        Written<TestItem> slowResult =
                slow.orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
        assertThat(slowResult.value()).isEqualTo(new TestItem(id, "Slow", 2));
        // The entry holds a newer version than the slow writer's, which counts as stored for it.
        assertThat(slowResult.cache()).isEqualTo(CacheWrite.STORED);
        assertThat(under.entry(redis, id)).containsEntry("v", "3");
        assertThat(under.cache().get(id).await().atMost(WAIT)).contains(new TestItem(id, "Fast", 3));
    }

    @Test
    void aReaderThatLoadedTheRowBeforeAWriteCannotFillItAfterTheWrite() {
        ThroughUnderTest under = ThroughUnderTest.create(factory, pool);
        Metrics metrics = new Metrics(registry);
        String id = ItemTable.uniqueId("fill");
        write(under, id, "Before");
        redis.key().del(under.cache().keyOf(id));
        // A reader on another instance whose load returns the row as it was, but only after the write went through.
        ThroughUnderTest otherInstance = under.secondInstance(factory, pool);
        CompletableFuture<Optional<TestItem>> loadedOld = new CompletableFuture<>();
        CompletableFuture<Void> writeDone = new CompletableFuture<>();
        otherInstance.items().afterEachLoad(found -> {
            loadedOld.complete(found);
            return Uni.createFrom().completionStage(writeDone).replaceWith(found);
        });

        CompletableFuture<Optional<TestItem>> read =
                otherInstance.cache().get(id).subscribeAsCompletionStage();
        assertThat(loadedOld.orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join())
                .contains(new TestItem(id, "Before", 1));
        assertThat(write(under, id, "After").cache()).isEqualTo(CacheWrite.STORED);
        writeDone.complete(null);

        assertThat(read.orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join()).contains(new TestItem(id, "Before", 1));
        assertThat(under.entry(redis, id)).containsEntry("v", "2");
        assertThat(under.cache().get(id).await().atMost(WAIT)).contains(new TestItem(id, "After", 2));
        assertThat(metrics.loads(under.name())).isZero();
    }

    @Test
    void concurrentWritersAndSlowReadersAlwaysLeaveTheDatabaseVersionInRedis() throws Exception {
        ThroughUnderTest under = ThroughUnderTest.create(factory, pool);
        // Readers on another instance whose loads answer a little late, so their fills race the writes.
        ThroughUnderTest otherInstance = under.secondInstance(factory, pool);
        otherInstance
                .items()
                // delayIt() refuses a zero delay, hence at least 1 ms.
                .afterEachLoad(found -> Uni.createFrom()
                        .item(found)
                        .onItem()
                        .delayIt()
                        .by(Duration.ofMillis(ThreadLocalRandom.current().nextInt(1, 20))));

        for (int round = 0; round < ROUNDS; round++) {
            String id = ItemTable.uniqueId("stress" + round);
            AtomicInteger writer = new AtomicInteger();
            ConcurrentCalls<Written<TestItem>> writes = ConcurrentCalls.start(
                    vertx,
                    WRITERS,
                    () -> under.cache().write(id, under.items().upsert(id, "writer-" + writer.incrementAndGet())));
            ConcurrentCalls<Optional<TestItem>> reads = ConcurrentCalls.start(
                    vertx, READERS, () -> otherInstance.cache().get(id));
            ConcurrentCalls<Optional<TestItem>> localReads =
                    ConcurrentCalls.start(vertx, READERS, () -> under.cache().get(id));

            List<Written<TestItem>> written = writes.join(WAIT);
            List<Optional<TestItem>> read = reads.join(WAIT);
            localReads.join(WAIT);

            TestItem committed = under.items().inSource(id).orElseThrow();
            assertThat(committed.version()).isEqualTo(WRITERS);
            assertThat(written).allSatisfy(w -> assertThat(w.cache()).isEqualTo(CacheWrite.STORED));
            assertThat(read)
                    .allSatisfy(
                            r -> r.ifPresent(item -> assertThat(item.version()).isBetween(1L, (long) WRITERS)));
            assertThat(under.entry(redis, id)).containsEntry("v", String.valueOf(WRITERS));
            assertThat(under.cache().get(id).await().atMost(WAIT)).contains(committed);
            assertThat(otherInstance.cache().get(id).await().atMost(WAIT)).contains(committed);
        }
    }

    private static Written<TestItem> write(ThroughUnderTest under, String id, String name) {
        return under.cache().write(id, under.items().upsert(id, name)).await().atMost(WAIT);
    }
}
