package dev.cachepatterns.cache.core;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Inject;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The deadline of {@link SourcePool} against the real Postgres: a call past it fails with {@link
 * SourceTimeoutException} whichever phase it is in, a query still running is cancelled and its session ended (the pool
 * gets its capacity back), and a transaction abandoned before its COMMIT is not applied. A pool of two connections, so
 * the test can hold all of them.
 */
@QuarkusTest
@TestProfile(SourcePoolTest.TwoConnections.class)
class SourcePoolTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Duration SHORT = Duration.ofMillis(500);

    public static class TwoConnections implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.datasource.reactive.max-size", "2");
        }
    }

    @Inject
    SourcePool source;

    @Inject
    Pool pool;

    @Inject
    MeterRegistry registry;

    @BeforeEach
    void probeTable() {
        source.withConnection(
                        c -> c.query("CREATE TABLE IF NOT EXISTS source_pool_probe (id bigint PRIMARY KEY, n int)")
                                .execute()
                                .flatMap(ignored -> c.query(
                                                "INSERT INTO source_pool_probe VALUES (1, 0) ON CONFLICT (id) DO NOTHING")
                                        .execute()))
                .await()
                .atMost(WAIT);
    }

    @Test
    void aQueryPastTheDeadlineIsCancelledAndItsSessionEndedWhileWhatBlockedItStillHolds() {
        SqlConnection holder = pool.getConnection().await().atMost(WAIT);
        try {
            holder.query("BEGIN").execute().await().atMost(WAIT);
            holder.query("SELECT n FROM source_pool_probe WHERE id = 1 FOR UPDATE")
                    .execute()
                    .await()
                    .atMost(WAIT);
            double queryTimeoutsBefore = timeouts("query");
            AtomicInteger backend = new AtomicInteger();

            Uni<?> blocked = source.withConnection(
                    SHORT,
                    c -> c.query("SELECT pg_backend_pid()")
                            .execute()
                            .invoke(rows -> backend.set(rows.iterator().next().getInteger(0)))
                            .flatMap(ignored -> c.query("UPDATE source_pool_probe SET n = n + 1 WHERE id = 1")
                                    .execute()));

            assertThatThrownBy(() -> blocked.await().atMost(WAIT))
                    .isInstanceOf(SourceTimeoutException.class)
                    .hasMessageContaining("did not answer");
            assertThat(backend.get()).isPositive();
            assertThat(timeouts("query")).isEqualTo(queryTimeoutsBefore + 1);
            // The row lock is still held: only the cancel request can have ended the UPDATE, and then the session.
            Awaitility.await().atMost(WAIT).untilAsserted(() -> {
                assertThat(gauge("db.pool.abandoned")).isZero();
                assertThat(sessionExists(backend.get())).isFalse();
            });
        } finally {
            holder.query("ROLLBACK").execute().await().atMost(WAIT);
            holder.closeAndAwait();
        }
        // The pool serves again at full size, and the cancelled UPDATE left nothing behind.
        assertThat(source.withConnection(c -> c.query("SELECT n FROM source_pool_probe WHERE id = 1")
                                .execute())
                        .await()
                        .atMost(WAIT)
                        .iterator()
                        .next()
                        .getInteger(0))
                .isZero();
    }

    @Test
    void aTransactionAbandonedBeforeItsCommitIsNotApplied() {
        long id = 1_000 + ThreadLocalRandom.current().nextLong(1_000_000_000L);
        CompletableFuture<Void> held = new CompletableFuture<>();
        AtomicBoolean inserted = new AtomicBoolean();

        Uni<?> write = source.inTransaction(
                SHORT,
                c -> c.preparedQuery("INSERT INTO source_pool_probe (id, n) VALUES ($1, 0)")
                        .execute(Tuple.of(id))
                        .invoke(() -> inserted.set(true))
                        .flatMap(ignored -> Uni.createFrom().completionStage(held)));

        assertThatThrownBy(() -> write.await().atMost(WAIT)).isInstanceOf(SourceTimeoutException.class);
        assertThat(inserted).as("the INSERT ran before the deadline").isTrue();
        // The work ends after its deadline, as a late answer from Postgres would: its COMMIT must not be sent.
        held.complete(null);
        Awaitility.await()
                .atMost(WAIT)
                .untilAsserted(() -> assertThat(gauge("db.pool.abandoned")).isZero());
        assertThat(source.withConnection(c -> c.preparedQuery("SELECT count(*) FROM source_pool_probe WHERE id = $1")
                                .execute(Tuple.of(id)))
                        .await()
                        .atMost(WAIT)
                        .iterator()
                        .next()
                        .getLong(0))
                .isZero();
    }

    @Test
    void waitingForAConnectionPastTheDeadlineIsASourceTimeoutAlsoWhenThePoolGivesUpFirst() {
        SqlConnection first = pool.getConnection().await().atMost(WAIT);
        SqlConnection second = pool.getConnection().await().atMost(WAIT);
        try {
            double before = timeouts("acquire");
            // Shorter than the pool's own acquire time-out: this call's timer decides.
            assertThatThrownBy(() -> source.withConnection(
                                    SHORT, c -> c.query("SELECT 1").execute())
                            .await()
                            .atMost(WAIT))
                    .isInstanceOf(SourceTimeoutException.class)
                    .hasMessageContaining("No Postgres connection");
            // Longer than it (as a write-behind flush is): the pool fails the wait with an untyped failure first, and
            // the
            // caller still gets the typed time-out.
            Duration longerThanThePools =
                    SourcePool.acquireTimeout(deadlineOnly(source.deadline())).multipliedBy(3);
            assertThatThrownBy(() -> source.withConnection(
                                    longerThanThePools, c -> c.query("SELECT 1").execute())
                            .await()
                            .atMost(WAIT))
                    .isInstanceOf(SourceTimeoutException.class)
                    .hasMessageContaining("No Postgres connection");
            assertThat(timeouts("acquire")).isGreaterThanOrEqualTo(before + 2);
        } finally {
            first.closeAndAwait();
            second.closeAndAwait();
        }
        assertThat(source.withConnection(c -> c.query("SELECT 1").execute())
                        .await()
                        .atMost(WAIT)
                        .size())
                .isEqualTo(1);
    }

    private boolean sessionExists(int backend) {
        return source.withConnection(c -> c.preparedQuery("SELECT count(*) FROM pg_stat_activity WHERE pid = $1")
                                .execute(Tuple.of(backend)))
                        .await()
                        .atMost(WAIT)
                        .iterator()
                        .next()
                        .getLong(0)
                > 0;
    }

    private double timeouts(String phase) {
        var counter = registry.find("db.deadline.exceeded").tag("phase", phase).counter();
        return counter == null ? 0 : counter.count();
    }

    private double gauge(String name) {
        var gauge = registry.find(name).gauge();
        return gauge == null ? -1 : gauge.value();
    }

    private static SourceConfig deadlineOnly(Duration deadline) {
        return LoadLimiterTest.deadline(deadline);
    }
}
