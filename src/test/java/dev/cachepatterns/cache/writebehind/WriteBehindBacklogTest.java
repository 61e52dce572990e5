package dev.cachepatterns.cache.writebehind;

import java.time.Duration;
import java.util.Map;

import jakarta.inject.Inject;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
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
 * The backlog bound keeps Redis memory bounded without losing anything accepted. At {@code max-backlog} unflushed
 * entries, {@code overflow = reject} fails further increments with {@link WriteBehindRejectedException} carrying the
 * configured retry-after (nothing of them is queued or written), while every increment accepted before is still pending
 * and is applied by the flush, after which increments are accepted again; {@code overflow = synchronous} commits the
 * increment to the source at once instead, counted once.
 */
@QuarkusTest
@TestProfile(StrategyTestProfile.class)
class WriteBehindBacklogTest {

    static final int MAX_BACKLOG = 40;

    @Inject
    WriteBehindFactory factory;

    @Inject
    Pool pool;

    @Inject
    RedisDataSource redis;

    @Inject
    MeterRegistry registry;

    CounterTable table;

    @BeforeEach
    void table() {
        table = new CounterTable(pool);
    }

    @Test
    void aFullBacklogRejectsWithRetryAfterAndLosesNothingAccepted() {
        String name = unique("wb-reject");
        WriteBehind writeBehind = factory.create(
                name,
                TestWriteBehindSettings.manual()
                        .withBatchSize(7)
                        .withBacklog(MAX_BACKLOG, WriteBehindSettings.Overflow.REJECT, Duration.ofSeconds(3)),
                FIELDS,
                table,
                null);
        String entity = table.newEntity("backlog");
        for (int i = 0; i < MAX_BACKLOG; i++) {
            assertThat(increment(writeBehind, entity, VIEWS).queued()).isTrue();
        }

        assertThatThrownBy(() -> increment(writeBehind, entity, VIEWS))
                .isInstanceOfSatisfying(
                        WriteBehindRejectedException.class,
                        rejected -> assertThat(rejected.retryAfter()).isEqualTo(Duration.ofSeconds(3)))
                .hasMessageContaining("backlog");
        assertThatThrownBy(() -> increment(writeBehind, entity, LIKES))
                .isInstanceOf(WriteBehindRejectedException.class);

        assertThat(counter(registry, "write.behind.rejected", name)).isEqualTo(2);
        assertThat(pending(writeBehind, entity)).isEqualTo(Map.of(VIEWS, (long) MAX_BACKLOG, LIKES, 0L));
        assertThat(redis.stream(String.class).xlen(writeBehind.keys().stream())).isEqualTo(MAX_BACKLOG);
        assertThat(table.counts(entity)).containsExactly(0L, 0L);

        // One cycle applies up to max-batches-per-cycle batches of 7; run cycles until the stream is empty.
        Awaitility.await().atMost(WAIT).until(() -> {
            flush(writeBehind);
            return redis.stream(String.class).xlen(writeBehind.keys().stream()) == 0;
        });

        assertThat(table.counts(entity)).containsExactly((long) MAX_BACKLOG, 0L);
        WriteBehind.Accepted again = increment(writeBehind, entity, VIEWS);
        assertThat(again.queued()).isTrue();
        assertThat(again.pending()).isEqualTo(Map.of(VIEWS, 1L, LIKES, 0L));
    }

    @Test
    void aFullBacklogWithSynchronousOverflowCommitsTheIncrementAtOnceAndCountsItOnce() {
        String name = unique("wb-sync");
        WriteBehind writeBehind = factory.create(
                name,
                TestWriteBehindSettings.manual()
                        .withBacklog(5, WriteBehindSettings.Overflow.SYNCHRONOUS, Duration.ofSeconds(1)),
                FIELDS,
                table,
                null);
        String entity = table.newEntity("overflow");
        for (int i = 0; i < 5; i++) {
            assertThat(increment(writeBehind, entity, VIEWS).queued()).isTrue();
        }
        double synchronousBefore = counter(registry, "write.behind.synchronous", name);

        WriteBehind.Accepted written = increment(writeBehind, entity, LIKES);

        assertThat(written.queued()).isFalse();
        assertThat(table.counts(entity)).containsExactly(0L, 1L);
        assertThat(counter(registry, "write.behind.synchronous", name)).isEqualTo(synchronousBefore + 1);
        assertThat(pending(writeBehind, entity)).isEqualTo(Map.of(VIEWS, 5L, LIKES, 0L));

        assertThat(flush(writeBehind).applied()).isEqualTo(5);
        assertThat(table.counts(entity)).containsExactly(5L, 1L);
        assertThat(flush(writeBehind).applied()).isZero();
        assertThat(table.counts(entity)).containsExactly(5L, 1L);
    }
}
