package dev.cachepatterns.cache.writebehind;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.redis.datasource.stream.XGroupCreateArgs;
import io.quarkus.redis.datasource.stream.XReadGroupArgs;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static dev.cachepatterns.cache.writebehind.CounterTable.FIELDS;
import static dev.cachepatterns.cache.writebehind.CounterTable.LIKES;
import static dev.cachepatterns.cache.writebehind.CounterTable.VIEWS;
import static dev.cachepatterns.cache.writebehind.CounterTable.WAIT;
import static dev.cachepatterns.cache.writebehind.CounterTable.increment;
import static dev.cachepatterns.cache.writebehind.CounterTable.pending;
import static dev.cachepatterns.cache.writebehind.CounterTable.unique;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Exactly-once across a crashed flusher. Another instance's flusher (a consumer of the test's own) reads entries and
 * dies: after committing them to the source together with their ledger rows but before acknowledging them in Redis, or
 * before committing anything. Once the entries have been idle for {@code claim-idle}, a live flusher claims them; the
 * committed ones are found in the ledger and skipped as replayed, the others are applied; either way every increment
 * counts exactly once and leaves pending.
 */
@QuarkusTest
@TestProfile(StrategyTestProfile.class)
class WriteBehindCrashRecoveryTest {

    @Inject
    WriteBehindFactory factory;

    @Inject
    Pool pool;

    @Inject
    RedisDataSource redis;

    CounterTable table;
    WriteBehind writeBehind;

    @BeforeEach
    void component() {
        table = new CounterTable(pool);
        writeBehind = factory.create(
                unique("wb-crash"),
                TestWriteBehindSettings.manual().withClaimIdle(Duration.ofSeconds(1)),
                FIELDS,
                table,
                null);
    }

    @Test
    void entriesCommittedByAFlusherThatCrashedBeforeItsAckAreClaimedAndSkippedAsReplayed() {
        String entity = table.newEntity("replay");
        for (int i = 0; i < 3; i++) {
            increment(writeBehind, entity, VIEWS);
        }
        // A flusher reads the entries, commits them with their ledger rows, and dies before XACK.
        List<StreamMessage<String, String, String>> taken = readAsCrashedConsumer();
        assertThat(taken).hasSize(3);
        UUID[] acceptIds =
                taken.stream().map(m -> UUID.fromString(m.payload().get("id"))).toArray(UUID[]::new);
        pool.withTransaction(tx -> tx.preparedQuery("INSERT INTO write_behind_applied (id) SELECT unnest($1::uuid[])")
                        .execute(Tuple.of(acceptIds))
                        .flatMap(ignored -> tx.preparedQuery(
                                        "UPDATE cache_test_counters SET views = views + 3 WHERE entity = $1")
                                .execute(Tuple.of(entity))))
                .await()
                .atMost(WAIT);

        // Once idle for claim-idle, the live flusher claims them, finds them in the ledger and skips them.
        FlushReport replayed = Awaitility.await()
                .atMost(WAIT)
                .pollInterval(Duration.ofMillis(200))
                .until(() -> writeBehind.flush().await().atMost(WAIT), report -> report.replayed() > 0);

        assertThat(replayed.replayed()).isEqualTo(3);
        assertThat(replayed.applied()).isZero();
        assertThat(table.batches()).isEmpty();
        assertThat(table.counts(entity)).containsExactly(3L, 0L);
        assertThat(pending(writeBehind, entity)).isEqualTo(Map.of(VIEWS, 0L, LIKES, 0L));
        assertThat(redis.hash(String.class).hgetall(writeBehind.keys().pending()))
                .isEmpty();
        assertThat(redis.stream(String.class)
                        .xpending(
                                writeBehind.keys().stream(),
                                writeBehind.settings().consumerGroup())
                        .getPendingCount())
                .isZero();
        assertThat(redis.stream(String.class).xlen(writeBehind.keys().stream())).isZero();
    }

    @Test
    void entriesOfAFlusherThatCrashedBeforeCommittingAreClaimedAndAppliedOnce() {
        String entity = table.newEntity("claim");
        increment(writeBehind, entity, LIKES);
        increment(writeBehind, entity, LIKES);
        List<StreamMessage<String, String, String>> taken = readAsCrashedConsumer();
        assertThat(taken).hasSize(2);

        FlushReport claimed = Awaitility.await()
                .atMost(WAIT)
                .pollInterval(Duration.ofMillis(200))
                .until(() -> writeBehind.flush().await().atMost(WAIT), report -> report.applied() > 0);

        assertThat(claimed.applied()).isEqualTo(2);
        assertThat(table.counts(entity)).containsExactly(0L, 2L);
        assertThat(pending(writeBehind, entity)).isEqualTo(Map.of(VIEWS, 0L, LIKES, 0L));
        assertThat(taken)
                .allSatisfy(m -> assertThat(
                                table.inLedger(UUID.fromString(m.payload().get("id"))))
                        .isTrue());
        assertThat(CounterTable.flush(writeBehind).applied()).isZero();
        assertThat(table.counts(entity)).containsExactly(0L, 2L);
    }

    /** Reads every new entry as a consumer that then disappears without acknowledging anything. */
    private List<StreamMessage<String, String, String>> readAsCrashedConsumer() {
        String stream = writeBehind.keys().stream();
        String group = writeBehind.settings().consumerGroup();
        try {
            redis.stream(String.class).xgroupCreate(stream, group, "0", new XGroupCreateArgs().mkstream());
        } catch (RuntimeException alreadyThere) {
            // BUSYGROUP: the live flusher created it
        }
        return redis.stream(String.class)
                .xreadgroup(group, "crashed-" + UUID.randomUUID(), stream, ">", new XReadGroupArgs().count(100));
    }
}
