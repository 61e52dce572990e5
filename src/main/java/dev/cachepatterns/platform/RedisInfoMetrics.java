package dev.cachepatterns.platform;

import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import dev.cachepatterns.cache.redis.RedisGuard;
import dev.cachepatterns.cache.redis.RedisInfo;

/**
 * Publishes the Redis server's own statistics (from {@code INFO}) next to the service's metrics, so one Prometheus
 * scrape shows both sides of the cache: used and max memory, evicted keys, connected clients, keyspace hits and misses.
 * No separate redis_exporter is needed for the basics.
 *
 * <p>INFO is polled on a Vert.x periodic timer (no thread of its own, nothing blocks) through {@link RedisGuard}: it has
 * the cache layer's time-out, and while the circuit is open no call is made at all, so a dead Redis costs nothing. At
 * most one poll is in flight. The meters appear with the first successful poll (a counter that started at 0 and jumped
 * to the server's total would look like a burst of hits). After a failed poll the gauges read NaN (a gap in the graphs
 * rather than a stale number that looks healthy); the counters keep their last value, since NaN would break every
 * rate() over them. With a Sentinel client, INFO reaches the master. With a Cluster client it would reach a random
 * node on every poll, so counters would jump between nodes: on a Redis Cluster nothing is polled (a log line says so)
 * and per-node figures come from a redis_exporter per node (docs/redis-cluster.md).
 */
@ApplicationScoped
public class RedisInfoMetrics {

    private static final Logger LOG = Logger.getLogger(RedisInfoMetrics.class);
    private static final long FIRST_SAMPLE_RETRY_MILLIS = 500;

    private final ReactiveRedisDataSource redis;
    private final RedisGuard guard;
    private final RedisInfoConfig config;
    private final MeterRegistry registry;
    private final Vertx vertx;
    private final boolean clustered;
    private final AtomicBoolean polling = new AtomicBoolean();
    private final AtomicBoolean registered = new AtomicBoolean();
    private final AtomicBoolean retryPending = new AtomicBoolean();

    private volatile Sample last = Sample.UNKNOWN;
    private volatile boolean lastPollFailed = true;
    private long timerId = -1;

    public RedisInfoMetrics(
            ReactiveRedisDataSource redis,
            RedisGuard guard,
            RedisInfoConfig config,
            MeterRegistry registry,
            Vertx vertx,
            @ConfigProperty(name = "quarkus.redis.client-type", defaultValue = "standalone") String clientType) {
        this.clustered = "cluster".equalsIgnoreCase(clientType);
        this.redis = redis;
        this.guard = guard;
        this.config = config;
        this.registry = registry;
        this.vertx = vertx;
    }

    void onStart(@Observes StartupEvent event) {
        if (!config.enabled()) {
            return;
        }
        if (clustered) {
            LOG.info("Redis Cluster: the redis_* INFO meters are off (INFO would reach a random node per poll); scrape"
                    + " each node with a redis_exporter");
            return;
        }
        poll();
        timerId = vertx.setPeriodic(Math.max(100, config.interval().toMillis()), id -> poll());
    }

    void onStop(@Observes ShutdownEvent event) {
        if (timerId >= 0) {
            vertx.cancelTimer(timerId);
        }
    }

    private void register() {
        Gauge.builder("redis.memory.used", this, m -> m.gauge(m.last.usedMemory()))
                .description("Memory used by the Redis server (INFO used_memory)")
                .baseUnit("bytes")
                .register(registry);
        Gauge.builder("redis.memory.max", this, m -> m.gauge(m.last.maxMemory()))
                .description("Redis maxmemory setting; 0 means no limit (INFO maxmemory)")
                .baseUnit("bytes")
                .register(registry);
        Gauge.builder("redis.connected.clients", this, m -> m.gauge(m.last.connectedClients()))
                .description("Client connections open on the Redis server, from all instances (INFO connected_clients)")
                .register(registry);
        FunctionCounter.builder("redis.evicted.keys", this, m -> m.last.evictedKeys())
                .description("Keys evicted by Redis because of maxmemory (INFO evicted_keys)")
                .register(registry);
        FunctionCounter.builder("redis.keyspace.hits", this, m -> m.last.keyspaceHits())
                .description("Successful key lookups on the Redis server, all clients (INFO keyspace_hits)")
                .register(registry);
        FunctionCounter.builder("redis.keyspace.misses", this, m -> m.last.keyspaceMisses())
                .description("Failed key lookups on the Redis server, all clients (INFO keyspace_misses)")
                .register(registry);
    }

    private double gauge(double value) {
        return lastPollFailed ? Double.NaN : value;
    }

    /** Starts one INFO call unless one is still running; never throws, never blocks. */
    void poll() {
        if (!polling.compareAndSet(false, true)) {
            return;
        }
        guard.call(() -> redis.execute("INFO"))
                .map(response -> Sample.of(RedisInfo.parse(response.toString())))
                .subscribe()
                .with(
                        info -> {
                            last = last.mergedWith(info);
                            lastPollFailed = false;
                            polling.set(false);
                            if (registered.compareAndSet(false, true)) {
                                register();
                            }
                        },
                        failure -> {
                            if (!lastPollFailed) {
                                LOG.debugf("Redis INFO failed: %s", failure.getMessage());
                            }
                            lastPollFailed = true;
                            polling.set(false);
                            if (!registered.get() && retryPending.compareAndSet(false, true)) {
                                // Nothing sampled yet (typically the first call at start, while the connection is
                                // being opened): try again soon rather than a whole interval later. One retry
                                // timer at a time, so a Redis that is down at start costs two cheap calls a second.
                                vertx.setTimer(FIRST_SAMPLE_RETRY_MILLIS, id -> {
                                    retryPending.set(false);
                                    poll();
                                });
                            }
                        });
    }

    /** The sampled values; a field INFO did not report keeps its previous value. */
    record Sample(
            double usedMemory,
            double maxMemory,
            double connectedClients,
            double evictedKeys,
            double keyspaceHits,
            double keyspaceMisses) {

        static final Sample UNKNOWN = new Sample(Double.NaN, Double.NaN, Double.NaN, 0, 0, 0);

        static Sample of(RedisInfo info) {
            return new Sample(
                    info.number("used_memory"),
                    info.number("maxmemory"),
                    info.number("connected_clients"),
                    info.number("evicted_keys"),
                    info.number("keyspace_hits"),
                    info.number("keyspace_misses"));
        }

        Sample mergedWith(Sample next) {
            return new Sample(
                    pick(next.usedMemory, usedMemory),
                    pick(next.maxMemory, maxMemory),
                    pick(next.connectedClients, connectedClients),
                    pick(next.evictedKeys, evictedKeys),
                    pick(next.keyspaceHits, keyspaceHits),
                    pick(next.keyspaceMisses, keyspaceMisses));
        }

        private static double pick(double next, double previous) {
            return Double.isNaN(next) ? previous : next;
        }
    }
}
