package dev.cachepatterns.cache.writethrough;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

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
 * Write-through reads the database once per cold key: 100 concurrent reads of a key whose entry is gone share a single
 * load, all of them get the committed version, and the entry is filled with that version.
 */
@QuarkusTest
class WriteThroughColdReadTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

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
    void aHundredConcurrentReadsOfAColdKeyMakeOneLoad() throws Exception {
        ThroughUnderTest under = ThroughUnderTest.create(factory, pool);
        Metrics metrics = new Metrics(registry);
        String id = ItemTable.uniqueId("cold");
        under.cache().write(id, under.items().upsert(id, "Cold")).await().atMost(WAIT);
        redis.key().del(under.cache().keyOf(id));
        // The load is held until all 100 reads are subscribed, so every one of them meets the cold key.
        CompletableFuture<Void> release = new CompletableFuture<>();
        under.items()
                .afterEachLoad(
                        found -> Uni.createFrom().completionStage(release).replaceWith(found));

        ConcurrentCalls<Optional<TestItem>> reads =
                ConcurrentCalls.start(vertx, 100, () -> under.cache().get(id));
        Awaitility.await().atMost(WAIT).until(reads::allSubscribed);
        Awaitility.await().atMost(WAIT).until(() -> under.items().loads() == 1);
        release.complete(null);

        assertThat(reads.join(WAIT))
                .hasSize(100)
                .allSatisfy(read -> assertThat(read).contains(new TestItem(id, "Cold", 1)));
        assertThat(metrics.loads(under.name())).isEqualTo(1);
        assertThat(under.items().loads()).isEqualTo(1);
        assertThat(under.entry(redis, id)).containsEntry("v", "1");
    }
}
