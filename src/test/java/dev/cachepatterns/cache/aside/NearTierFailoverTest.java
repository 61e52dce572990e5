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

import dev.cachepatterns.support.RedisCluster;
import dev.cachepatterns.support.RedisClusterProfile;
import dev.cachepatterns.support.RedisClusterResource;
import dev.cachepatterns.support.RedisServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Masters of a real three-master Redis Cluster failing over ({@code CLUSTER FAILOVER} on a replica, or the master killed)
 * while one instance writes and others read through their near tiers: no old value is answered after a write was
 * acknowledged, the tier stops serving the failed master's keys and serves them again once tracking is on the new
 * master. Step by step (a read in flight across the failover), then as a stress (failovers during rounds of writes and
 * reads). A master is killed only once its replica has everything it acknowledged: a write the old master acknowledged
 * and never replicated is lost with it ({@code docs/redis-cluster.md}), which no near tier can help.
 */
@QuarkusTest
@TestProfile(RedisClusterProfile.class)
class NearTierFailoverTest {

    private static final Logger LOG = Logger.getLogger(NearTierFailoverTest.class);
    private static final Duration FAILOVER = Duration.ofSeconds(60);
    private static final int STRESS_ROUNDS = 200;
    private static final int STRESS_FAILOVERS = 4;

    @Inject
    CacheAsideFactory factory;

    @Inject
    Pool pool;

    @Inject
    MeterRegistry registry;

    @Test
    void aCoordinatedFailoverNeverAnswersAnOldValueAfterAnAcknowledgedWrite() {
        RedisCluster cluster = RedisClusterResource.cluster();
        List<NearInstance> instances = NearInstance.create(factory, pool, registry, 2);
        NearInstance writer = instances.get(0);
        NearInstance reader = instances.get(1);
        long id = writer.rows().insert("v0").id();
        String key = writer.key(id);
        RedisServer master = cluster.masterOf(key);
        RedisServer replica = cluster.replicaOf(master);
        instances.forEach(instance -> instance.holdInTier(id));
        String v0 = reader.held(id);
        reader.tier().drop(key);
        NearTier.Ticket inFlight = reader.tier().beforeRead(key); // sent before the failover, answered after it
        double flushes = failoverFlushes(reader);

        cluster.failOverTo(replica, FAILOVER);
        long promotedAt = System.nanoTime();
        acknowledged(writer, id, "v1");
        assertThat(versionAnsweredBy(reader, id)).isEqualTo(1);
        reader.tier().afterRead(inFlight, v0);
        assertThat(reader.held(id))
                .as("the reply of the read sent before the failover")
                .isNotEqualTo(v0);
        Awaitility.await().atMost(NearInstance.WAIT).until(() -> failoverFlushes(reader) > flushes);
        long flushedAfter = System.nanoTime() - promotedAt;
        reader.holdInTier(id); // tracked on the new master
        long servedAfter = System.nanoTime() - promotedAt;
        outsideWriteIsDropped(cluster, replica, reader, id, "v2");
        LOG.infof(
                "near tier, coordinated failover: flushed %d ms after the promotion, served from the JVM again after %d"
                        + " ms",
                Duration.ofNanos(flushedAfter).toMillis(),
                Duration.ofNanos(servedAfter).toMillis());

        cluster.failOverTo(master, FAILOVER); // the layout the other tests expect
    }

    @Test
    void aKilledMasterStopsItsKeysBeingServedAtOnceAndTheyComeBackOnTheNewMaster() {
        RedisCluster cluster = RedisClusterResource.cluster();
        List<NearInstance> instances = NearInstance.create(factory, pool, registry, 2);
        NearInstance writer = instances.get(0);
        NearInstance reader = instances.get(1);
        long id = writer.rows().insert("v0").id();
        String key = writer.key(id);
        RedisServer master = cluster.masterOf(key);
        RedisServer replica = cluster.replicaOf(master);
        acknowledged(writer, id, "v1");
        instances.forEach(instance -> instance.holdInTier(id));
        String v1 = reader.held(id);
        writer.tier().drop(key);
        NearTier.Ticket inFlight = writer.tier().beforeRead(key); // sent before the kill, answered after it
        Awaitility.await().atMost(NearInstance.WAIT).until(() -> cluster.replicaCaughtUp(master, replica));
        double lost = reader.flushes("connection_lost");

        long killedAt = System.nanoTime();
        master.stop();
        Awaitility.await()
                .atMost(NearInstance.WAIT)
                .pollInterval(Duration.ofMillis(5))
                .until(() -> reader.flushes("connection_lost") > lost);
        long darkAfter = System.nanoTime() - killedAt;
        assertThat(reader.held(id)).as("not served once its master died").isNull();
        cluster.awaitNewMasterOf(key, master, FAILOVER);
        long promotedAt = System.nanoTime();
        acknowledged(writer, id, "v2");
        assertThat(versionAnsweredBy(reader, id)).isEqualTo(2);
        writer.tier().afterRead(inFlight, v1);
        assertThat(writer.held(id))
                .as("the reply of the read sent before the kill")
                .isNotEqualTo(v1);
        reader.holdInTier(id);
        long servedAfter = System.nanoTime() - promotedAt;
        outsideWriteIsDropped(cluster, replica, reader, id, "v3");
        LOG.infof(
                "near tier, master killed: its keys no longer served %d ms after the kill; promoted %d ms after the kill,"
                        + " served from the JVM again %d ms after the promotion",
                Duration.ofNanos(darkAfter).toMillis(),
                Duration.ofNanos(promotedAt - killedAt).toMillis(),
                Duration.ofNanos(servedAfter).toMillis());

        master.start(); // rejoins as the replica of the new master
        Awaitility.await()
                .atMost(FAILOVER)
                .until(() -> !cluster.isMaster(master) && cluster.masterPortOf(master) == replica.port());
    }

    @Test
    void failoversDuringRoundsOfWritesAndReadsLeaveNoOldValueAfterAnAcknowledgedWrite() {
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

        // Coordinated failovers, one shard after the other, while the rounds run.
        ExecutorService failing = Executors.newSingleThreadExecutor();
        try {
            CompletableFuture<Void> failovers = CompletableFuture.runAsync(
                    () -> {
                        for (int f = 0; f < STRESS_FAILOVERS; f++) {
                            String key = writer.key(ids.get(f % ids.size()));
                            cluster.failOverTo(cluster.shardOf(key, FAILOVER).replica(), FAILOVER);
                        }
                    },
                    failing);
            while (!failovers.isDone() || rounds.tally().rounds() < STRESS_ROUNDS) {
                rounds.round();
            }
            failovers.join();
        } finally {
            failing.shutdownNow();
        }
        ClusterRounds.Tally coordinated = rounds.tally();

        // Then a master killed between two rounds, once its replica has everything; the rounds go on through it.
        RedisCluster.Shard shard = cluster.shardOf(writer.key(ids.get(0)), NearInstance.WAIT);
        RedisServer master = shard.master();
        RedisServer replica = shard.replica();
        Awaitility.await().atMost(NearInstance.WAIT).until(() -> cluster.replicaCaughtUp(master, replica));
        master.stop();
        while (!cluster.isMaster(replica) || rounds.tally().rounds() < coordinated.rounds() + STRESS_ROUNDS) {
            rounds.round();
        }
        master.start();
        ClusterRounds.Tally all = rounds.tally();

        LOG.infof(
                "near tier, %d coordinated failovers during the rounds: %s; then a master killed: %s",
                STRESS_FAILOVERS, coordinated.summary(), all.summary());
        assertThat(rounds.oldAnswers())
                .as("old answers after an acknowledged write")
                .isEmpty();
        assertThat(all.answeredByNear()).as("reads answered by the near tier").isPositive();
        Awaitility.await()
                .atMost(FAILOVER)
                .until(() -> !cluster.isMaster(master) && cluster.masterPortOf(master) == replica.port());
    }

    /** Writes {@code name} on {@code writer} until the write is acknowledged (Redis may refuse it while failing over). */
    private static void acknowledged(NearInstance writer, long id, String name) {
        writer.rows().rename(id, name);
        Awaitility.await().atMost(FAILOVER).pollInterval(Duration.ofMillis(20)).until(() -> writer.invalidate(id));
    }

    /** A write on {@code master} itself, behind the service's back, is dropped from the tier of {@code reader}. */
    private static void outsideWriteIsDropped(
            RedisCluster cluster, RedisServer master, NearInstance reader, long id, String name) {
        String json = "{\"id\":" + id + ",\"name\":\"" + name + "\"}";
        assertThat(cluster.cli(master, "set", reader.key(id), json).trim()).isEqualTo("OK");
        Awaitility.await()
                .atMost(NearInstance.WAIT)
                .until(() -> reader.get(id).orElseThrow().name().equals(name) && json.equals(reader.held(id)));
    }

    private static double failoverFlushes(NearInstance instance) {
        return instance.flushes("failover") + instance.flushes("topology");
    }

    private static long versionAnsweredBy(NearInstance reader, long id) {
        return NearInstance.version(reader.get(id).orElseThrow().name());
    }
}
