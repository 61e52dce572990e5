package dev.cachepatterns.cache.aside;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import jakarta.inject.Inject;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.mutiny.sqlclient.Pool;
import org.awaitility.Awaitility;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;

import dev.cachepatterns.cache.redis.HashSlot;
import dev.cachepatterns.support.RedisCluster;
import dev.cachepatterns.support.RedisClusterProfile;
import dev.cachepatterns.support.RedisClusterResource;
import dev.cachepatterns.support.RedisServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Slots migrated on a real three-master Redis Cluster ({@code CLUSTER SETSLOT ... IMPORTING/MIGRATING}, {@code
 * MIGRATE}, {@code CLUSTER SETSLOT ... NODE}) while one instance writes and others read through their near tiers: no
 * old value is answered after a write was acknowledged. Step by step (a read in flight across the whole migration, a
 * write at each step), then as a stress (slots moved back and forth during rounds of writes and reads).
 */
@QuarkusTest
@TestProfile(RedisClusterProfile.class)
class NearTierMigrationTest {

    private static final Logger LOG = Logger.getLogger(NearTierMigrationTest.class);
    private static final int STRESS_ROUNDS = 200;
    private static final int STRESS_MIGRATIONS = 12;

    @Inject
    CacheAsideFactory factory;

    @Inject
    Pool pool;

    @Inject
    MeterRegistry registry;

    @Test
    void aSlotMigratedStepByStepNeverAnswersAnOldValueAfterAnAcknowledgedWrite() {
        RedisCluster cluster = RedisClusterResource.cluster();
        List<NearInstance> instances = NearInstance.create(factory, pool, registry, 2);
        NearInstance writer = instances.get(0);
        NearInstance reader = instances.get(1);
        long id = writer.rows().insert("v0").id();
        String key = writer.key(id);
        int slot = HashSlot.of(key);
        RedisServer from = cluster.masterOf(key);
        RedisServer to = cluster.otherMaster(from);
        instances.forEach(instance -> instance.holdInTier(id));
        String v0 = reader.held(id);

        // A read sent before the slot moves, answered (with what it read then) after the move and two writes.
        reader.tier().drop(key);
        NearTier.Ticket inFlight = reader.tier().beforeRead(key);

        cluster.beginMigration(slot, from, to);
        cluster.migrateKeys(slot, from, to);
        // The source's MIGRATE deleted it there: its push drops the entry.
        Awaitility.await().atMost(NearInstance.WAIT).until(() -> reader.held(id) == null);
        reader.holdInTier(id); // read on the target after an ASK, and kept: the target is tracked too
        assertThat(reader.held(id)).isEqualTo(v0);
        // The delete and the re-warm are executed by the target after an ASK, whose push drops the entry.
        assertThat(writer.rename(id, "v1")).isTrue();
        assertThat(versionAnsweredBy(reader, id)).isEqualTo(1);
        reader.tier().afterRead(inFlight, v0);
        assertThat(reader.held(id))
                .as("the reply of the read sent before the move")
                .isNotEqualTo(v0);
        reader.holdInTier(id);
        assertThat(writer.rename(id, "v2")).isTrue();
        assertThat(versionAnsweredBy(reader, id)).isEqualTo(2);

        long movedAt = System.nanoTime();
        double movedFlushes = reader.flushes("slot_moved");
        cluster.endMigration(slot, from, to);
        assertThat(writer.rename(id, "v3")).isTrue();
        assertThat(versionAnsweredBy(reader, id)).isEqualTo(3);
        Awaitility.await().atMost(NearInstance.WAIT).until(() -> reader.flushes("slot_moved") > movedFlushes);
        long flushedAfter = System.nanoTime() - movedAt;
        reader.holdInTier(id);
        long servedAfter = System.nanoTime() - movedAt;

        // Tracked on its new master: a write there behind the service's back is dropped.
        String json = "{\"id\":" + id + ",\"name\":\"v4\"}";
        assertThat(cluster.cli(to, "set", key, json).trim()).isEqualTo("OK");
        Awaitility.await()
                .atMost(NearInstance.WAIT)
                .until(() -> json.equals(reader.get(id)
                                .map(row -> "{\"id\":" + row.id() + ",\"name\":\"" + row.name() + "\"}")
                                .orElse(null))
                        && json.equals(reader.held(id)));
        LOG.infof(
                "near tier, slot %d migrated step by step: its entries flushed %d ms after SETSLOT NODE, served from the"
                        + " JVM again after %d ms",
                slot,
                Duration.ofNanos(flushedAfter).toMillis(),
                Duration.ofNanos(servedAfter).toMillis());
    }

    @Test
    void slotsMovedBackAndForthWhileOneInstanceWritesAndOthersReadLeaveNoOldValueAfterAnAcknowledgedWrite() {
        RedisCluster cluster = RedisClusterResource.cluster();
        List<NearInstance> instances = NearInstance.create(factory, pool, registry, 3);
        NearInstance writer = instances.get(0);
        List<NearInstance> readers = instances.subList(1, 3);
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            ids.add(writer.rows().insert("v0").id());
        }
        readers.forEach(reader -> ids.forEach(reader::holdInTier));
        ClusterRounds rounds = new ClusterRounds(writer, readers, ids);
        double movedFlushes = readers.get(0).flushes("slot_moved");

        ExecutorService mover = Executors.newSingleThreadExecutor();
        try {
            CompletableFuture<Void> migrations = CompletableFuture.runAsync(
                    () -> {
                        for (int m = 0; m < STRESS_MIGRATIONS; m++) {
                            int slot = HashSlot.of(writer.key(ids.get(m % ids.size())));
                            RedisServer owner = cluster.masterOf(writer.key(ids.get(m % ids.size())));
                            cluster.migrateSlot(slot, cluster.otherMaster(owner));
                            Awaitility.await().atMost(NearInstance.WAIT).until(() -> cluster.agreesOn(slot));
                        }
                    },
                    mover);
            while (!migrations.isDone() || rounds.tally().rounds() < STRESS_ROUNDS) {
                rounds.round();
            }
            migrations.join();
        } finally {
            mover.shutdownNow();
        }

        ClusterRounds.Tally tally = rounds.tally();
        LOG.infof("near tier, %d slot migrations during the rounds: %s", STRESS_MIGRATIONS, tally.summary());
        assertThat(rounds.oldAnswers())
                .as("old answers after an acknowledged write")
                .isEmpty();
        assertThat(tally.answeredByNear()).as("reads answered by the near tier").isPositive();
        assertThat(readers.get(0).flushes("slot_moved")).isGreaterThan(movedFlushes);
    }

    /** The version {@code reader} answers for {@code id} now. */
    private static long versionAnsweredBy(NearInstance reader, long id) {
        return NearInstance.version(reader.get(id).orElseThrow().name());
    }
}
