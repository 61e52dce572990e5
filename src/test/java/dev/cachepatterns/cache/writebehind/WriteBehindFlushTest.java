package dev.cachepatterns.cache.writebehind;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import jakarta.inject.Inject;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static dev.cachepatterns.cache.writebehind.CounterTable.FIELDS;
import static dev.cachepatterns.cache.writebehind.CounterTable.LIKES;
import static dev.cachepatterns.cache.writebehind.CounterTable.VIEWS;
import static dev.cachepatterns.cache.writebehind.CounterTable.WAIT;
import static dev.cachepatterns.cache.writebehind.CounterTable.counter;
import static dev.cachepatterns.cache.writebehind.CounterTable.flush;
import static dev.cachepatterns.cache.writebehind.CounterTable.increment;
import static dev.cachepatterns.cache.writebehind.CounterTable.pending;
import static dev.cachepatterns.cache.writebehind.CounterTable.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Write-behind's everyday promise, against a test table and sink: an accepted increment is visible as pending (readers
 * add it to the stored value) before any flush; a flush applies each increment to the source exactly once, coalesced per
 * entity in one batch, takes it out of pending, drops the entity's cached copy in the same step and re-warms it; a
 * second flush applies nothing. The flush loop that the factory runs does the same on its own, and two instances sharing
 * one stream (a consumer group) apply every increment once between them.
 */
@QuarkusTest
@TestProfile(StrategyTestProfile.class)
class WriteBehindFlushTest {

    @Inject
    WriteBehindFactory factory;

    @Inject
    Pool pool;

    @Inject
    RedisDataSource redis;

    @Inject
    ReactiveRedisDataSource reactiveRedis;

    @Inject
    MeterRegistry registry;

    CounterTable table;

    @BeforeEach
    void table() {
        table = new CounterTable(pool);
    }

    @Test
    void acceptedIncrementsArePendingBeforeTheFlushAndAppliedExactlyOnceByIt() {
        String name = unique("wb-flush");
        WriteBehind writeBehind = factory.create(name, TestWriteBehindSettings.manual(), FIELDS, table, null);
        String entity = table.newEntity("pending");
        for (int i = 1; i <= 5; i++) {
            WriteBehind.Accepted accepted = increment(writeBehind, entity, VIEWS);
            assertThat(accepted.queued()).isTrue();
            assertThat(accepted.pending()).isEqualTo(Map.of(VIEWS, (long) i, LIKES, 0L));
        }
        increment(writeBehind, entity, LIKES);
        assertThat(increment(writeBehind, entity, LIKES).pending()).isEqualTo(Map.of(VIEWS, 5L, LIKES, 2L));

        assertThat(table.counts(entity)).containsExactly(0L, 0L);
        assertThat(pending(writeBehind, entity)).isEqualTo(Map.of(VIEWS, 5L, LIKES, 2L));
        writeBehind.measure().await().atMost(WAIT);
        assertThat(registry.find("write.behind.pending")
                        .tag("name", name)
                        .gauge()
                        .value())
                .isEqualTo(7.0);
        double flushedBefore = counter(registry, "write.behind.flushed", name);

        FlushReport report = flush(writeBehind);

        assertThat(report.applied()).isEqualTo(7);
        assertThat(report.replayed()).isZero();
        assertThat(table.batches()).containsExactly(Map.of(entity, Map.of(VIEWS, 5L, LIKES, 2L)));
        assertThat(table.counts(entity)).containsExactly(5L, 2L);
        assertThat(pending(writeBehind, entity)).isEqualTo(Map.of(VIEWS, 0L, LIKES, 0L));
        assertThat(redis.hash(String.class).hgetall(writeBehind.keys().pending()))
                .isEmpty();
        assertThat(redis.stream(String.class).xlen(writeBehind.keys().stream())).isZero();
        assertThat(counter(registry, "write.behind.flushed", name)).isEqualTo(flushedBefore + 7);

        assertThat(flush(writeBehind).applied()).isZero();
        assertThat(table.batches()).hasSize(1);
        assertThat(table.counts(entity)).containsExactly(5L, 2L);

        // Accepted after the flush: pending on top of the flushed value, applied by the next flush.
        assertThat(increment(writeBehind, entity, VIEWS).pending()).isEqualTo(Map.of(VIEWS, 1L, LIKES, 0L));
        assertThat(flush(writeBehind).applied()).isEqualTo(1);
        assertThat(table.counts(entity)).containsExactly(6L, 2L);
    }

    @Test
    void theFlushDropsTheCachedCopyOfAFlushedEntityWithItsPendingDeltasThenReWarmsIt() {
        TestWriteBehindSettings settings = TestWriteBehindSettings.manual();
        String tag = settings.keyPrefix().substring(settings.keyPrefix().indexOf('{'));
        Function<String, String> copyKey = entity -> "t:copy:" + tag + ":" + entity;
        List<List<String>> rewarmed = new CopyOnWriteArrayList<>();
        List<Integer> copiesLeftAtRewarm = new CopyOnWriteArrayList<>();
        CachedCopies copies = new CachedCopies(
                copyKey,
                entities -> reactiveRedis
                        .key()
                        .exists(entities.stream().map(copyKey).toArray(String[]::new))
                        .invoke(left -> {
                            copiesLeftAtRewarm.add(left);
                            rewarmed.add(List.copyOf(entities));
                        })
                        .chain(() -> Multi.createFrom()
                                .iterable(entities)
                                .onItem()
                                .transformToUniAndConcatenate(entity ->
                                        reactiveRedis.value(String.class).set(copyKey.apply(entity), "re-warmed"))
                                .collect()
                                .last())
                        .replaceWithVoid());
        WriteBehind writeBehind = factory.create(unique("wb-copies"), settings, FIELDS, table, copies);
        String flushed = table.newEntity("flushed");
        String untouched = table.newEntity("untouched");
        redis.value(String.class).set(copyKey.apply(flushed), "stale");
        redis.value(String.class).set(copyKey.apply(untouched), "unchanged");
        increment(writeBehind, flushed, VIEWS);

        assertThat(flush(writeBehind).applied()).isEqualTo(1);

        assertThat(rewarmed).containsExactly(List.of(flushed));
        // The acknowledgement dropped the stale copy before the re-warm ran.
        assertThat(copiesLeftAtRewarm).containsExactly(0);
        assertThat(redis.value(String.class).get(copyKey.apply(flushed))).isEqualTo("re-warmed");
        assertThat(redis.value(String.class).get(copyKey.apply(untouched))).isEqualTo("unchanged");
        assertThat(table.counts(flushed)).containsExactly(1L, 0L);
    }

    @Test
    void cachedCopiesOutsideTheStreamsHashSlotAreRefusedWhenTheInstanceIsCreated() {
        CachedCopies elsewhere = new CachedCopies(
                entity -> "t:copies:" + entity, entities -> Uni.createFrom().voidItem());

        assertThatThrownBy(() ->
                        factory.create(unique("wb-slot"), TestWriteBehindSettings.manual(), FIELDS, table, elsewhere))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("hash tag");
    }

    @Test
    void theFlushLoopsOfTwoInstancesSharingOneStreamApplyEveryIncrementOnce() {
        TestWriteBehindSettings settings =
                TestWriteBehindSettings.manual().withBatchSize(7).flushingEvery(Duration.ofMillis(100));
        WriteBehind first = factory.create(unique("wb-loop-a"), settings, FIELDS, table, null);
        WriteBehind second = factory.create(unique("wb-loop-b"), settings, FIELDS, table, null);
        assertThat(first.consumer()).isNotEqualTo(second.consumer());
        List<String> entities = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            entities.add(table.newEntity("loop"));
        }
        Random random = new Random(11);
        Map<String, long[]> expected = new HashMap<>();
        List<CompletableFuture<WriteBehind.Accepted>> accepted = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            String entity = entities.get(random.nextInt(entities.size()));
            String field = random.nextBoolean() ? VIEWS : LIKES;
            long delta = 1 + random.nextInt(3);
            expected.computeIfAbsent(entity, e -> new long[2])[VIEWS.equals(field) ? 0 : 1] += delta;
            WriteBehind via = i % 2 == 0 ? first : second;
            accepted.add(via.increment(entity, field, delta).subscribeAsCompletionStage());
        }
        CompletableFuture.allOf(accepted.toArray(CompletableFuture[]::new)).join();

        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(250))
                .untilAsserted(() -> {
                    for (String entity : entities) {
                        long[] sums = expected.getOrDefault(entity, new long[2]);
                        assertThat(table.counts(entity)).containsExactly(sums[0], sums[1]);
                    }
                });
        Awaitility.await()
                .atMost(WAIT)
                .untilAsserted(() -> assertThat(
                                redis.hash(String.class).hgetall(first.keys().pending()))
                        .isEmpty());
        assertThat(redis.stream(String.class).xlen(first.keys().stream())).isZero();
    }
}
