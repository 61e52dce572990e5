package dev.cachepatterns.cache.aside;

import java.time.Duration;

import jakarta.inject.Inject;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The consistency auditor compares recently read entries with the source and drops the ones that differ (a row changed
 * behind the cache's back, a row deleted while cached), counting both; entries that match are left alone.
 */
@QuarkusTest
class CacheAsideAuditTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    CacheAsideFactory factory;

    @Inject
    ConsistencyAudits audits;

    @Inject
    Pool pool;

    @Inject
    RedisDataSource redis;

    @Inject
    MeterRegistry registry;

    @Test
    void anEntryThatDiffersFromTheSourceIsCountedAndDropped() {
        AsideUnderTest under = AsideUnderTest.create(factory, pool);
        TestRow kept = under.rows().insert("Kept");
        TestRow changed = under.rows().insert("Before");
        TestRow deleted = under.rows().insert("Deleted");
        for (TestRow row : new TestRow[] {kept, changed, deleted}) {
            under.cache().get(row.id()).await().atMost(WAIT);
        }
        // Behind the cache's back: nothing invalidates these entries.
        TestRow renamed = under.rows().rename(changed.id(), "After");
        under.rows().delete(deleted.id());

        ConsistencyAudits.Result result =
                audits.runOnce(under.name(), under.cache(), 10).await().atMost(WAIT);

        assertThat(result).isEqualTo(new ConsistencyAudits.Result(3, 2));
        assertThat(count("cache.audit.checked", under.name())).isEqualTo(3);
        assertThat(count("cache.audit.mismatches", under.name())).isEqualTo(2);
        assertThat(redis.key().exists(under.key(kept.id()))).isTrue();
        assertThat(redis.key().exists(under.key(changed.id()))).isFalse();
        assertThat(redis.key().exists(under.key(deleted.id()))).isFalse();
        assertThat(under.cache().get(changed.id()).await().atMost(WAIT)).contains(renamed);
        assertThat(under.cache().get(deleted.id()).await().atMost(WAIT)).isEmpty();

        ConsistencyAudits.Result again =
                audits.runOnce(under.name(), under.cache(), 10).await().atMost(WAIT);
        assertThat(again.mismatches()).isZero();
    }

    private double count(String meter, String cache) {
        Counter counter = registry.find(meter).tag("cache", cache).counter();
        return counter == null ? 0 : counter.count();
    }
}
