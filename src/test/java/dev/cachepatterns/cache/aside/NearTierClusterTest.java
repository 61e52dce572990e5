package dev.cachepatterns.cache.aside;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.mutiny.sqlclient.Pool;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.cachepatterns.support.RedisCluster;
import dev.cachepatterns.support.RedisClusterProfile;
import dev.cachepatterns.support.RedisClusterResource;
import dev.cachepatterns.support.RedisServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The near tier on a real three-master Redis Cluster ({@link RedisClusterProfile}): each instance tracks every master
 * on a connection of its own, hits come from the JVM whichever master holds the key, and a write on any master drops
 * the entry on every instance. Slot migrations and failovers are {@code NearTierMigrationTest}'s and {@code
 * NearTierFailoverTest}'s.
 */
@QuarkusTest
@TestProfile(RedisClusterProfile.class)
class NearTierClusterTest {

    @Inject
    CacheAsideFactory factory;

    @Inject
    Pool pool;

    @Inject
    MeterRegistry registry;

    @Test
    void aWriteOnAnyMasterDropsTheEntryOnTwoInstances() {
        RedisCluster cluster = RedisClusterResource.cluster();
        List<NearInstance> instances = NearInstance.create(factory, pool, registry, 2);
        NearInstance a = instances.get(0);
        Map<RedisServer, Long> rowOnEachMaster = rowOnEachMaster(cluster, a);
        assertThat(rowOnEachMaster).as("a row on each master").hasSize(3);

        // One tracking connection per master and instance.
        String trackingName = KeyTracking.clientName(a.settings().keyPrefix());
        Awaitility.await().atMost(NearInstance.WAIT).untilAsserted(() -> {
            for (RedisServer master : rowOnEachMaster.keySet()) {
                assertThat(cluster.cli(master, "client", "list")
                                .lines()
                                .filter(line -> line.contains(" name=" + trackingName + " ")))
                        .as("tracking connections on %s", master.port())
                        .hasSize(2);
            }
        });

        for (NearInstance instance : instances) {
            rowOnEachMaster.values().forEach(instance::holdInTier);
            double nearHits = instance.nearHits();
            rowOnEachMaster.values().forEach(id -> assertThat(instance.get(id)).isPresent());
            assertThat(instance.nearHits() - nearHits)
                    .as("hits of %s from the JVM", instance.name())
                    .isEqualTo(3);
        }

        int version = 1;
        for (Map.Entry<RedisServer, Long> onMaster : rowOnEachMaster.entrySet()) {
            long id = onMaster.getValue();
            String json = "{\"id\":" + id + ",\"name\":\"v" + version + "\"}";
            // Written on the master itself, behind both instances' backs.
            assertThat(cluster.cli(onMaster.getKey(), "set", a.key(id), json).trim())
                    .isEqualTo("OK");
            for (NearInstance instance : instances) {
                Awaitility.await()
                        .atMost(NearInstance.WAIT)
                        .alias(instance.name() + " drops row " + id)
                        .until(() -> instance.held(id) == null);
                instance.holdInTier(id);
                assertThat(instance.held(id)).isEqualTo(json);
            }
            version++;
        }

        // The service's write on one instance: acknowledged only after the other dropped its entry.
        for (long id : rowOnEachMaster.values()) {
            assertThat(a.rename(id, "v" + version)).as("acknowledged").isTrue();
            NearInstance b = instances.get(1);
            assertThat(b.get(id).orElseThrow().name()).isEqualTo("v" + version);
            version++;
        }
        for (NearInstance instance : instances) {
            assertThat(instance.invalidations())
                    .as("pushes applied by %s", instance.name())
                    .isGreaterThanOrEqualTo(6);
            assertThat(instance.flushes("connection_lost")
                            + instance.flushes("heartbeat")
                            + instance.flushes("failover"))
                    .as("no connection lost")
                    .isZero();
        }
    }

    /** Inserts rows until one of them has its key on each master; the first found for each. */
    static Map<RedisServer, Long> rowOnEachMaster(RedisCluster cluster, NearInstance instance) {
        Map<RedisServer, Long> found = new LinkedHashMap<>();
        List<Long> inserted = new ArrayList<>();
        while (found.size() < 3 && inserted.size() < 200) {
            TestRow row = instance.rows().insert("v0");
            inserted.add(row.id());
            found.putIfAbsent(cluster.masterOf(instance.key(row.id())), row.id());
        }
        return found;
    }
}
