package dev.cachepatterns.cache.writebehind;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.redis.datasource.stream.StreamRange;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.mutiny.sqlclient.Pool;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.cachepatterns.cache.redis.CircuitBreaker;
import dev.cachepatterns.cache.redis.RedisGuard;
import dev.cachepatterns.support.OwnRedisWithArgsResource;
import dev.cachepatterns.support.RedisServer;

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

/**
 * An increment is never lost or doubled because Redis is unavailable when it arrives. While Redis is down the increment
 * is committed to the source before it is answered ({@code queued = false}, {@code write_behind_synchronous_total}),
 * and increments queued before the outage are flushed once Redis is back. When Redis is only slow (paused past the
 * call time-out) and runs the accept script after the increment was already written synchronously, the late stream
 * entry carries the accept id the synchronous write put in the ledger, so the flush skips it: counted once. Runs
 * against a Redis of its own (with AOF) that it kills and pauses.
 */
@QuarkusTest
@TestProfile(StrategyTestProfile.OwnRedis.class)
class WriteBehindRedisOutageTest {

    @Inject
    WriteBehindFactory factory;

    @Inject
    Pool pool;

    @Inject
    RedisDataSource redis;

    @Inject
    RedisGuard guard;

    @Inject
    MeterRegistry registry;

    CounterTable table;
    String name;
    WriteBehind writeBehind;

    @BeforeEach
    void component() {
        table = new CounterTable(pool);
        name = unique("wb-outage");
        writeBehind = factory.create(name, TestWriteBehindSettings.manual(), FIELDS, table, null);
        awaitRedisHealthy();
    }

    @Test
    void whileRedisIsDownAnIncrementIsCommittedBeforeItIsAnsweredAndTheQueuedOnesFlushAfter() {
        String entity = table.newEntity("redis-down");
        assertThat(increment(writeBehind, entity, VIEWS).queued()).isTrue();
        double synchronousBefore = counter(registry, "write.behind.synchronous", name);

        server().stop();
        try {
            WriteBehind.Accepted like = increment(writeBehind, entity, LIKES);
            assertThat(like.queued()).isFalse();
            assertThat(table.counts(entity)).containsExactly(0L, 1L);
            assertThat(increment(writeBehind, entity, VIEWS).queued()).isFalse();
            assertThat(table.counts(entity)).containsExactly(1L, 1L);
            assertThat(counter(registry, "write.behind.synchronous", name)).isEqualTo(synchronousBefore + 2);
            assertThat(pending(writeBehind, entity)).isEmpty();
        } finally {
            server().start();
        }

        // Redis is back with what it held (AOF): the view queued before the outage is still pending and flushes once.
        awaitRedisHealthy();
        Awaitility.await()
                .atMost(WAIT)
                .untilAsserted(() -> assertThat(pending(writeBehind, entity)).isEqualTo(Map.of(VIEWS, 1L, LIKES, 0L)));
        assertThat(flush(writeBehind).applied()).isEqualTo(1);
        assertThat(table.counts(entity)).containsExactly(2L, 1L);
        assertThat(increment(writeBehind, entity, VIEWS).queued()).isTrue();
    }

    @Test
    void anIncrementWrittenSynchronouslyAfterATimeOutIsCountedOnceWhenRedisRunsItsScriptLate() throws Exception {
        String entity = table.newEntity("redis-slow");
        // Warm up: the connection is open and the accept script is loaded, so the paused Redis receives EVALSHA.
        increment(writeBehind, entity, VIEWS);
        assertThat(flush(writeBehind).applied()).isEqualTo(1);
        awaitRedisHealthy();

        long pid = server().pid();
        WriteBehind.Accepted accepted;
        signal("STOP", pid);
        try {
            accepted = increment(writeBehind, entity, VIEWS);
        } finally {
            signal("CONT", pid);
        }

        assertThat(accepted.queued()).isFalse();
        assertThat(table.counts(entity)).containsExactly(2L, 0L);
        // Redis ran the script after all: the entry is in the stream, under the accept id already in the ledger.
        String stream = writeBehind.keys().stream();
        Awaitility.await().atMost(WAIT).until(() -> redis.stream(String.class).xlen(stream) == 1);
        List<StreamMessage<String, String, String>> late =
                redis.stream(String.class).xrange(stream, StreamRange.of("-", "+"));
        assertThat(table.inLedger(UUID.fromString(late.get(0).payload().get("id"))))
                .isTrue();

        FlushReport report = Awaitility.await()
                .atMost(WAIT)
                .pollInterval(Duration.ofMillis(200))
                .until(() -> flush(writeBehind), flushed -> flushed.replayed() > 0);

        assertThat(report.replayed()).isEqualTo(1);
        assertThat(report.applied()).isZero();
        assertThat(table.counts(entity)).containsExactly(2L, 0L);
        assertThat(pending(writeBehind, entity)).isEqualTo(Map.of(VIEWS, 0L, LIKES, 0L));
    }

    private static RedisServer server() {
        return OwnRedisWithArgsResource.server();
    }

    private void awaitRedisHealthy() {
        Awaitility.await()
                .atMost(WAIT)
                .until(() -> server().answersPing() && guard.circuitState() == CircuitBreaker.State.CLOSED);
    }

    private static void signal(String signal, long pid) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(pid))
                .inheritIO()
                .start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).isZero();
    }
}
