package dev.cachepatterns.cache.writebehind;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.health.api.HealthRegistry;
import org.eclipse.microprofile.health.Readiness;

import dev.cachepatterns.cache.core.CacheInfrastructure;

/**
 * Builds {@link WriteBehind} components over the shared {@link CacheInfrastructure} and runs them: each gets a flush
 * loop (started with the application, or at once when created later), a final drain at shutdown and a readiness check
 * {@code write-behind-<name>}.
 *
 * <p>Create components in a bean that exists from the start (e.g. a {@code @Startup} service): the flush loop of a
 * component created by the first request only starts then, and a backlog a previous run left waits until it does.
 */
@ApplicationScoped
public class WriteBehindFactory {

    private final CacheInfrastructure shared;
    private final HealthRegistry readiness;
    private final List<FlushLoop> loops = new CopyOnWriteArrayList<>();
    private volatile boolean running;

    public WriteBehindFactory(CacheInfrastructure shared, @Readiness HealthRegistry readiness) {
        this.shared = shared;
        this.readiness = readiness;
    }

    /**
     * A write-behind component named {@code name} (the {@code name} tag of its metrics) for the counters {@code fields},
     * applied by {@code sink}. {@code copies} is the cache that holds the entities with their counters (dropped and
     * re-warmed when the entity's increments are flushed), or null.
     */
    public WriteBehind create(
            String name, WriteBehindSettings settings, List<String> fields, WriteBehindSink sink, CachedCopies copies) {
        Component component = new Component(
                name,
                settings,
                List.copyOf(fields),
                StreamKeys.under(settings.keyPrefix()),
                shared.redis(),
                shared.guard(),
                shared.source(),
                new WriteBehindMetrics(name, shared.registry()));
        WriteBehind writeBehind = new WriteBehind(component, sink, copies);
        WriteBehindReadiness check = new WriteBehindReadiness(name, writeBehind, settings);
        readiness.register(check.name(), check);
        FlushLoop loop = new FlushLoop(writeBehind, settings, shared.vertx());
        loops.add(loop);
        if (running) {
            loop.start();
        }
        return writeBehind;
    }

    void onStart(@Observes StartupEvent event) {
        running = true;
        loops.forEach(FlushLoop::start);
    }

    void onStop(@Observes ShutdownEvent event) {
        running = false;
        loops.forEach(FlushLoop::stopAndDrain);
    }
}
