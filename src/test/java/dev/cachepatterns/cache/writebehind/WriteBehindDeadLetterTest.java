package dev.cachepatterns.cache.writebehind;

import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.redis.datasource.stream.StreamRange;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.mutiny.sqlclient.Pool;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static dev.cachepatterns.cache.writebehind.CounterTable.FIELDS;
import static dev.cachepatterns.cache.writebehind.CounterTable.LIKES;
import static dev.cachepatterns.cache.writebehind.CounterTable.VIEWS;
import static dev.cachepatterns.cache.writebehind.CounterTable.counter;
import static dev.cachepatterns.cache.writebehind.CounterTable.flush;
import static dev.cachepatterns.cache.writebehind.CounterTable.increment;
import static dev.cachepatterns.cache.writebehind.CounterTable.pending;
import static dev.cachepatterns.cache.writebehind.CounterTable.unique;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Entries that can never be applied do not block the stream. A malformed entry goes to the dead-letter stream on the
 * first flush, with the reason. An entity the sink rejects (its counter would overflow {@code bigint}) does not hold
 * back the other entities of its batch, which are applied at once; its own entries are retried and, after {@code
 * max-tries} failures, moved to the dead-letter stream with the failure as the reason and taken out of pending. Both
 * count in {@code write_behind_dead_total}.
 */
@QuarkusTest
@TestProfile(StrategyTestProfile.class)
class WriteBehindDeadLetterTest {

    @Inject
    WriteBehindFactory factory;

    @Inject
    Pool pool;

    @Inject
    RedisDataSource redis;

    @Inject
    MeterRegistry registry;

    CounterTable table;
    String name;
    WriteBehind writeBehind;

    @BeforeEach
    void component() {
        table = new CounterTable(pool);
        name = unique("wb-dead");
        writeBehind = factory.create(name, TestWriteBehindSettings.manual().withMaxTries(3), FIELDS, table, null);
    }

    @Test
    void aMalformedEntryGoesToTheDeadLetterStreamOnTheFirstFlush() {
        String entity = table.newEntity("next-to-malformed");
        String malformed = redis.stream(String.class)
                .xadd(writeBehind.keys().stream(), Map.of("e", "x", "f", "bogus", "d", "1", "id", "not-a-uuid"));
        increment(writeBehind, entity, VIEWS);

        FlushReport report = flush(writeBehind);

        assertThat(report.dead()).isEqualTo(1);
        assertThat(report.applied()).isEqualTo(1);
        assertThat(counter(registry, "write.behind.dead", name)).isEqualTo(1);
        assertThat(deadLetters())
                .singleElement()
                .satisfies(m -> assertThat(m.payload())
                        .containsEntry("source-id", malformed)
                        .containsEntry("reason", "malformed entry")
                        .containsEntry("f", "bogus"));
        assertThat(redis.stream(String.class).xlen(writeBehind.keys().stream())).isZero();
        assertThat(table.counts(entity)).containsExactly(1L, 0L);
    }

    @Test
    void anEntityTheSinkRejectsIsDeadLetteredAfterMaxTriesWhileTheOthersFlush() {
        String full = table.newEntity("overflowing");
        String fine = table.newEntity("fine");
        table.set(full, VIEWS, Long.MAX_VALUE - 1);
        increment(writeBehind, full, VIEWS);
        increment(writeBehind, full, VIEWS);
        increment(writeBehind, fine, VIEWS);
        increment(writeBehind, fine, LIKES);

        // The batch fails as a whole; retried per entity, the fine one is applied at once.
        FlushReport first = flush(writeBehind);
        assertThat(first.applied()).isEqualTo(2);
        assertThat(first.failed()).isEqualTo(2);
        assertThat(first.dead()).isZero();
        assertThat(table.counts(fine)).containsExactly(1L, 1L);
        assertThat(pending(writeBehind, fine)).isEqualTo(Map.of(VIEWS, 0L, LIKES, 0L));
        assertThat(pending(writeBehind, full)).isEqualTo(Map.of(VIEWS, 2L, LIKES, 0L));

        FlushReport second = flush(writeBehind);
        assertThat(second.dead()).isZero();
        FlushReport third = flush(writeBehind);

        assertThat(third.dead()).isEqualTo(2);
        assertThat(counter(registry, "write.behind.dead", name)).isEqualTo(2);
        assertThat(table.counts(full)).containsExactly(Long.MAX_VALUE - 1, 0L);
        assertThat(table.counts(fine)).containsExactly(1L, 1L);
        assertThat(redis.hash(String.class).hgetall(writeBehind.keys().pending()))
                .isEmpty();
        assertThat(redis.stream(String.class).xlen(writeBehind.keys().stream())).isZero();
        assertThat(deadLetters()).hasSize(2).allSatisfy(m -> {
            assertThat(m.payload()).containsEntry("e", full).containsEntry("f", VIEWS);
            assertThat(m.payload().get("reason")).startsWith("failed 3 times").contains("out of range");
        });
        assertThat(flush(writeBehind).batches()).isZero();
    }

    private List<StreamMessage<String, String, String>> deadLetters() {
        return redis.stream(String.class).xrange(writeBehind.keys().dead(), StreamRange.of("-", "+"));
    }
}
