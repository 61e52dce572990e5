package dev.cachepatterns.cache.writethrough;

import java.time.Duration;
import java.util.Map;

import jakarta.inject.Inject;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.pgclient.PgException;
import org.junit.jupiter.api.Test;

import dev.cachepatterns.support.Metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * When the source write fails, write-through passes the failure to the caller unchanged (same instance, or the
 * database's own exception with its SQL state) and does not touch Redis: an existing entry keeps its version and value,
 * a cold key gets no entry, and no write is counted as stored, invalidated or unconfirmed.
 */
@QuarkusTest
class WriteThroughSourceFailureTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    WriteThroughFactory factory;

    @Inject
    Pool pool;

    @Inject
    RedisDataSource redis;

    @Inject
    MeterRegistry registry;

    @Test
    void aFailedSourceWriteReachesTheCallerUnchangedAndLeavesTheEntryAlone() {
        ThroughUnderTest under = ThroughUnderTest.create(factory, pool);
        Metrics metrics = new Metrics(registry);
        String id = ItemTable.uniqueId("refused");
        under.cache().write(id, under.items().upsert(id, "Kept")).await().atMost(WAIT);
        Map<String, String> before = under.entry(redis, id);
        IllegalStateException refused = new IllegalStateException("the source refused the change");

        assertThatThrownBy(() -> under.cache()
                        .write(id, Uni.createFrom().failure(refused))
                        .await()
                        .atMost(WAIT))
                .isSameAs(refused);

        assertThat(under.entry(redis, id)).isEqualTo(before);
        assertOnlyStoredWrites(under, 1);
        assertThat(under.cache().get(id).await().atMost(WAIT)).contains(new TestItem(id, "Kept", 1));
        assertThat(metrics.loads(under.name())).isZero();
    }

    @Test
    void aDatabaseErrorReachesTheCallerAsItsOwnTypeAndCreatesNoEntry() {
        ThroughUnderTest under = ThroughUnderTest.create(factory, pool);
        String id = ItemTable.uniqueId("invalid");

        // name is NOT NULL: the database rejects the statement.
        assertThatThrownBy(() -> under.cache()
                        .write(id, under.items().upsert(id, null))
                        .await()
                        .atMost(WAIT))
                .isInstanceOfSatisfying(
                        PgException.class,
                        failure -> assertThat(failure.getSqlState()).isEqualTo("23502"));

        assertThat(redis.key().exists(under.cache().keyOf(id))).isFalse();
        assertThat(under.items().inSource(id)).isEmpty();
        assertOnlyStoredWrites(under, 0);
    }

    private void assertOnlyStoredWrites(ThroughUnderTest under, int stored) {
        assertThat(under.writes(registry, CacheWrite.STORED)).isEqualTo(stored);
        assertThat(under.writes(registry, CacheWrite.INVALIDATED)).isZero();
        assertThat(under.writes(registry, CacheWrite.UNCONFIRMED)).isZero();
    }
}
