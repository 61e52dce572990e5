package dev.cachepatterns.cache.aside;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.mutiny.core.Vertx;
import org.jboss.logging.Logger;

import dev.cachepatterns.cache.redis.ProcessStalls;

/**
 * Builds the near tier of each cache-aside cache whose settings ask for one, each with its own tracking connection
 * ({@link KeyTracking}), and stops them at shutdown. On a Redis Cluster the near tier stays off: a BCAST tracking
 * connection sees only the writes of the node it is connected to, and one per master is not built here
 * ({@code docs/near-cache.md}).
 */
final class NearTiers {

    private static final Logger LOG = Logger.getLogger(NearTiers.class);

    private final TrackingClients clients;
    private final Vertx vertx;
    private final MeterRegistry registry;
    private final boolean clustered;
    private final ProcessStalls stalls;
    private final List<KeyTracking> started = new CopyOnWriteArrayList<>();
    private final long maxHeap = Runtime.getRuntime().maxMemory();
    private final HeapBudget budget = new HeapBudget(maxHeap);

    NearTiers(TrackingClients clients, Vertx vertx, MeterRegistry registry, boolean clustered, ProcessStalls stalls) {
        this.clients = clients;
        this.vertx = vertx;
        this.registry = registry;
        this.clustered = clustered;
        this.stalls = stalls;
    }

    /** The near tier of cache {@code name}: live once its tracking connection is up, or off for good. */
    NearTier open(String name, CacheAsideSettings settings, String generationKey, Runnable onGenerationChange) {
        NearSettings near = settings.near();
        if (!settings.enabled() || !near.enabled()) {
            return NearTier.off();
        }
        if (clustered) {
            LOG.infof(
                    "near tier of %s is off: on a Redis Cluster, key tracking would be needed on every master"
                            + " (docs/near-cache.md)",
                    name);
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
        NearTier tier = NearTier.create(name, registry, bounds, generationKey, onGenerationChange);
        KeyTracking tracking =
                new KeyTracking(name, settings.keyPrefix(), () -> clients.create(vertx), vertx, near, stalls, tier);
        started.add(tracking);
        tracking.start();
        return tier;
    }

    void stopAll() {
        started.forEach(KeyTracking::stop);
        started.clear();
    }

    private static Duration shorter(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
