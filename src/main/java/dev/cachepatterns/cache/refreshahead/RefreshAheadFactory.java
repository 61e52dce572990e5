package dev.cachepatterns.cache.refreshahead;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

import dev.cachepatterns.cache.core.CacheInfrastructure;

/**
 * Builds refresh-ahead {@link RankedSetCache}s over the shared {@link CacheInfrastructure} and runs the schedule of each
 * (started with the application, or at once when created later; stopped at shutdown).
 *
 * <p>Create caches in a bean that exists from the start (e.g. a {@code @Startup} service): the schedule of a cache
 * created by the first request only starts then.
 */
@ApplicationScoped
public class RefreshAheadFactory {

    /** Members per ZADD while a ranking is built aside: big enough to be fast, small enough not to block Redis. */
    static final int RANKED_SET_CHUNK = 1000;

    private final CacheInfrastructure shared;
    private final List<RefreshSchedule> schedules = new CopyOnWriteArrayList<>();
    private volatile boolean running;

    public RefreshAheadFactory(CacheInfrastructure shared) {
        this.shared = shared;
    }

    /** Refresh-ahead rankings named {@code name} (the {@code cache} tag of their metrics) over {@code source}. */
    public RankedSetCache rankings(String name, RefreshAheadSettings settings, RankingSource source) {
        RefreshAhead ahead = new RefreshAhead(
                name, settings, shared.redis(), shared.guard(), shared.lock(), shared.limiter(), shared.registry());
        RankedSets sets = new RankedSets(ahead, shared.redis(), shared.guard(), RANKED_SET_CHUNK);
        RankedSetCache cache = new RankedSetCache(ahead, sets, source);
        RefreshSchedule schedule = new RefreshSchedule(name, cache, settings, shared.vertx());
        schedules.add(schedule);
        if (running) {
            schedule.start();
        }
        return cache;
    }

    void onStart(@Observes StartupEvent event) {
        running = true;
        schedules.forEach(RefreshSchedule::start);
    }

    void onStop(@Observes ShutdownEvent event) {
        running = false;
        schedules.forEach(RefreshSchedule::stop);
    }
}
