package dev.cachepatterns.cache.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.jboss.logging.Logger;

/**
 * Opens {@code max-in-flight} pooled Redis connections at start and keeps readiness ({@code redis-pool}) DOWN until
 * they are open or {@code warm-up-timeout} passed. The client opens connections lazily, so without this a freshly
 * started instance pays for them inside the first burst's time-outs, exactly when a rolling deploy sends it traffic.
 * Redis being down ends the warm-up (readiness UP): reads then degrade to Postgres.
 */
@Readiness
@ApplicationScoped
public class ConnectionWarmUp implements HealthCheck {

    private static final Logger LOG = Logger.getLogger(ConnectionWarmUp.class);

    private final ReactiveRedisDataSource redis;
    private final RedisResilienceConfig config;
    private final AtomicInteger opened = new AtomicInteger();
    private volatile boolean done;

    public ConnectionWarmUp(ReactiveRedisDataSource redis, RedisResilienceConfig config) {
        this.redis = redis;
        this.config = config;
    }

    void onStart(@Observes StartupEvent event) {
        long start = System.nanoTime();
        // Concurrent PINGs: each holds a connection until its reply, so the pool has to open one per PING.
        List<Uni<Void>> pings = new ArrayList<>();
        for (int i = 0; i < Math.max(1, config.maxInFlight()); i++) {
            pings.add(redis.execute("PING")
                    .ifNoItem()
                    .after(config.warmUpTimeout())
                    .fail()
                    .invoke(ignored -> opened.incrementAndGet())
                    .replaceWithVoid()
                    .onFailure()
                    .recoverWithNull());
        }
        Uni.join().all(pings).andFailFast().subscribe().with(ignored -> {
            done = true;
            LOG.infof(
                    "Redis pool warm: %d of %d connections answered in %d ms",
                    opened.get(), pings.size(), (System.nanoTime() - start) / 1_000_000);
        });
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("redis-pool")
                .status(done)
                .withData("connections-warmed", opened.get())
                .build();
    }
}
