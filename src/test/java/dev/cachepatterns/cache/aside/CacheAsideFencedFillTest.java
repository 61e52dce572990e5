package dev.cachepatterns.cache.aside;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The classic cache-aside race, made deterministic: a reader misses and loads the old row; before it fills, a write
 * commits and invalidates the entry; then the reader's fill arrives. A fenced fill must not land: the reader's fence was
 * revoked by the invalidation, so Redis never holds the old row after the invalidation and the next read gets the new
 * one. Each path that fills after a load is covered: a single read, a bulk read, a re-warm on write, and a reader on
 * another instance that stopped waiting for the lock owner and loaded by itself.
 */
@QuarkusTest
class CacheAsideFencedFillTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    CacheAsideFactory factory;

    @Inject
    Pool pool;

    @Inject
    RedisDataSource redis;

    @Test
    void aSingleReadThatLoadedTheOldRowDoesNotFillAfterTheInvalidation() throws Exception {
        AsideUnderTest under = AsideUnderTest.create(factory, pool, settings -> settings.withRewarmOnWrite(false));
        TestRow old = under.rows().insert("Old");
        CompletableFuture<Void> release = new CompletableFuture<>();
        CompletableFuture<Void> read = under.rows().holdNextLoad(release);

        CompletableFuture<Optional<TestRow>> reader =
                under.cache().get(old.id()).subscribeAsCompletionStage();
        read.get(WAIT.toSeconds(), TimeUnit.SECONDS); // the reader holds the old row
        TestRow renamed = under.rows().rename(old.id(), "New");
        under.cache().invalidate(old.id()).await().atMost(WAIT);
        release.complete(null);

        // The read overlapped the write, so the old row is a correct answer for it; caching it is not.
        assertThat(reader.get(WAIT.toSeconds(), TimeUnit.SECONDS)).contains(old);
        assertThat(cached(under, old.id())).isNull();
        assertThat(under.cache().get(old.id()).await().atMost(WAIT)).contains(renamed);
        assertThat(cached(under, old.id())).contains("\"name\":\"New\"");
    }

    @Test
    void aReadThatLoadedTheOldRowDoesNotOverwriteTheReWarmedEntry() throws Exception {
        AsideUnderTest under = AsideUnderTest.create(factory, pool);
        TestRow old = under.rows().insert("Old");
        CompletableFuture<Void> release = new CompletableFuture<>();
        CompletableFuture<Void> read = under.rows().holdNextLoad(release);

        CompletableFuture<Optional<TestRow>> reader =
                under.cache().get(old.id()).subscribeAsCompletionStage();
        read.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        TestRow renamed = under.rows().rename(old.id(), "New");
        under.cache().invalidate(old.id()).await().atMost(WAIT); // re-warms with the committed row
        assertThat(cached(under, old.id())).contains("\"name\":\"New\"");
        release.complete(null);

        assertThat(reader.get(WAIT.toSeconds(), TimeUnit.SECONDS)).contains(old);
        assertThat(cached(under, old.id())).contains("\"name\":\"New\"");
        assertThat(under.cache().get(old.id()).await().atMost(WAIT)).contains(renamed);
    }

    @Test
    void aBulkReadThatLoadedTheOldRowDoesNotFillAfterTheInvalidation() throws Exception {
        AsideUnderTest under = AsideUnderTest.create(factory, pool, settings -> settings.withRewarmOnWrite(false));
        TestRow old = under.rows().insert("Old");
        TestRow untouched = under.rows().insert("Untouched");
        CompletableFuture<Void> release = new CompletableFuture<>();
        CompletableFuture<Void> read = under.rows().holdNextLoad(release);

        CompletableFuture<Map<Long, TestRow>> reader =
                under.cache().getAll(List.of(old.id(), untouched.id())).subscribeAsCompletionStage();
        read.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        TestRow renamed = under.rows().rename(old.id(), "New");
        under.cache().invalidate(old.id()).await().atMost(WAIT);
        release.complete(null);

        assertThat(reader.get(WAIT.toSeconds(), TimeUnit.SECONDS)).containsEntry(old.id(), old);
        assertThat(cached(under, old.id())).isNull();
        // The fence of a key nobody invalidated still holds: that fill lands.
        assertThat(cached(under, untouched.id())).contains("\"name\":\"Untouched\"");
        assertThat(under.cache().getAll(List.of(old.id())).await().atMost(WAIT)).containsEntry(old.id(), renamed);
    }

    @Test
    void aReWarmThatLoadedAnOlderRowDoesNotOverwriteANewerReWarm() throws Exception {
        AsideUnderTest first = AsideUnderTest.create(factory, pool);
        AsideUnderTest second = first.sibling(factory, pool, settings -> settings);
        TestRow row = first.rows().insert("V0");
        first.cache().get(row.id()).await().atMost(WAIT);
        CompletableFuture<Void> release = new CompletableFuture<>();
        CompletableFuture<Void> read = first.rows().holdNextLoad(release);

        first.rows().rename(row.id(), "V1");
        CompletableFuture<Void> firstWrite = first.cache().invalidate(row.id()).subscribeAsCompletionStage();
        read.get(WAIT.toSeconds(), TimeUnit.SECONDS); // the first instance's re-warm holds V1
        TestRow latest = first.rows().rename(row.id(), "V2");
        second.cache().invalidate(row.id()).await().atMost(WAIT);
        assertThat(cached(first, row.id())).contains("\"name\":\"V2\"");
        release.complete(null);
        firstWrite.get(WAIT.toSeconds(), TimeUnit.SECONDS);

        assertThat(cached(first, row.id())).contains("\"name\":\"V2\"");
        assertThat(first.cache().get(row.id()).await().atMost(WAIT)).contains(latest);
    }

    @Test
    void aWaiterOnAnotherInstanceThatLoadedTheOldRowDoesNotFillAfterTheInvalidation() throws Exception {
        AsideUnderTest owner = AsideUnderTest.create(factory, pool, settings -> settings.withRewarmOnWrite(false));
        // The waiter gives up on the owner quickly and loads by itself.
        AsideUnderTest waiter = owner.sibling(factory, pool, settings -> settings.withLockWait(Duration.ofMillis(100)));
        TestRow old = owner.rows().insert("Old");
        CompletableFuture<Void> releaseOwner = new CompletableFuture<>();
        CompletableFuture<Void> ownerRead = owner.rows().holdNextLoad(releaseOwner);
        CompletableFuture<Void> releaseWaiter = new CompletableFuture<>();
        CompletableFuture<Void> waiterRead = waiter.rows().holdNextLoad(releaseWaiter);

        CompletableFuture<Optional<TestRow>> ownerReader =
                owner.cache().get(old.id()).subscribeAsCompletionStage();
        ownerRead.get(WAIT.toSeconds(), TimeUnit.SECONDS); // holds the lock and the old row
        CompletableFuture<Optional<TestRow>> waiterReader =
                waiter.cache().get(old.id()).subscribeAsCompletionStage();
        waiterRead.get(WAIT.toSeconds(), TimeUnit.SECONDS); // waited, then loaded the old row itself
        TestRow renamed = owner.rows().rename(old.id(), "New");
        owner.cache().invalidate(old.id()).await().atMost(WAIT);
        releaseWaiter.complete(null);
        assertThat(waiterReader.get(WAIT.toSeconds(), TimeUnit.SECONDS)).contains(old);
        releaseOwner.complete(null);
        assertThat(ownerReader.get(WAIT.toSeconds(), TimeUnit.SECONDS)).contains(old);

        assertThat(cached(owner, old.id())).isNull();
        assertThat(waiter.cache().get(old.id()).await().atMost(WAIT)).contains(renamed);
        assertThat(owner.cache().get(old.id()).await().atMost(WAIT)).contains(renamed);
    }

    /** What Redis holds for the entry, as a value (null when it holds nothing or only a fence). */
    private String cached(AsideUnderTest under, long id) {
        String raw = redis.value(String.class).get(under.key(id));
        return raw == null || raw.startsWith("!fence:") ? null : raw;
    }
}
