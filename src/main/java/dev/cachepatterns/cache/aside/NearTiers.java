package dev.cachepatterns.cache.aside;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.vertx.mutiny.core.Vertx;
import org.jboss.logging.Logger;

import dev.cachepatterns.cache.redis.ProcessStalls;
import dev.cachepatterns.cache.redis.SlotMap;

/**
 * Builds the near tier of each cache-aside cache whose settings ask for one and stops them at shutdown: against one
 * Redis (or Sentinel's primary) with one tracking connection of its own ({@link KeyTracking}); on a Redis Cluster with
 * one per master, following the cluster's slot map ({@link ClusterTracking}). See {@code docs/near-cache.md}.
 */
final class NearTiers {

    private static final Logger LOG = Logger.getLogger(NearTiers.class);

    private final TrackingClients clients;
    private final ReactiveRedisDataSource application;
    private final Vertx vertx;
    private final MeterRegistry registry;
    private final boolean clustered;
    private final ProcessStalls stalls;
    private final List<Runnable> stops = new CopyOnWriteArrayList<>();
    private final long maxHeap = Runtime.getRuntime().maxMemory();
    private final HeapBudget budget = new HeapBudget(maxHeap);
    private SlotMapWatch slotMaps;

    NearTiers(
            TrackingClients clients,
            ReactiveRedisDataSource application,
            Vertx vertx,
            MeterRegistry registry,
            boolean clustered,
            ProcessStalls stalls) {
        this.clients = clients;
        this.application = application;
        this.vertx = vertx;
        this.registry = registry;
        this.clustered = clustered;
        this.stalls = stalls;
    }

    /** The near tier of cache {@code name}: live once tracking is up (on every master of a cluster), or off for good. */
    NearTier open(String name, CacheAsideSettings settings, String generationKey, Runnable onGenerationChange) {
        NearSettings near = settings.near();
        if (!settings.enabled() || !near.enabled()) {
            return NearTier.off();
        }
        long maxBytes = near.maxMemory().bytesOf(maxHeap);
        LOG.infof(
                "near tier of %s: at most %d MB (max-memory %s; maximum heap %d MB)",
                name, maxBytes >> 20, near.maxMemory(), maxHeap >> 20);
        budget.add(name, maxBytes).ifPresent(LOG::warn);
        NearTier.Bounds bounds = new NearTier.Bounds(
                maxBytes,
                near.maxEntries(),
                shorter(near.maxTtl(), settings.ttl()),
                shorter(near.maxTtl(), settings.negativeTtl()));
        return clustered
                ? onCluster(name, settings, bounds, generationKey, onGenerationChange)
                : onOneRedis(name, settings, bounds, generationKey, onGenerationChange);
    }

    void stopAll() {
        stops.forEach(Runnable::run);
        stops.clear();
    }

    private NearTier onOneRedis(
            String name,
            CacheAsideSettings settings,
            NearTier.Bounds bounds,
            String generationKey,
            Runnable onGenerationChange) {
        Lease lease = new Lease();
        NearTier tier = NearTier.create(name, registry, bounds, Coverage.of(lease), generationKey, onGenerationChange);
        KeyTracking tracking = new KeyTracking(
                name,
                settings.keyPrefix(),
                () -> clients.create(vertx),
                vertx,
                settings.near(),
                stalls,
                tier,
                lease,
                () -> {});
        stops.add(tracking::stop);
        tracking.start();
        return tier;
    }

    private NearTier onCluster(
            String name,
            CacheAsideSettings settings,
            NearTier.Bounds bounds,
            String generationKey,
            Runnable onGenerationChange) {
        SlotLeases leases = new SlotLeases();
        NearTier tier = NearTier.create(name, registry, bounds, leases, generationKey, onGenerationChange);
        NearSettings near = settings.near();
        ClusterTracking tracking = new ClusterTracking(
                name,
                settings.keyPrefix(),
                near,
                vertx,
                stalls,
                tier,
                leases,
                slotMaps(near.maxSilence()),
                master -> clients.create(vertx, clients.nodeEndpoint(master.host(), master.port())));
        stops.add(tracking::stop);
        tracking.start();
        return tier;
    }

    // One read of the slot map for every near tier (the first one's max-silence as the deadline).
    private synchronized SlotMapWatch slotMaps(Duration deadline) {
        if (slotMaps == null) {
            slotMaps = new SlotMapWatch(vertx, () -> SlotMap.read(application.getRedis(), deadline));
        }
        return slotMaps;
    }

    private static Duration shorter(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
