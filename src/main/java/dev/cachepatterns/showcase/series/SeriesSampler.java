package dev.cachepatterns.showcase.series;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;

/**
 * Reads the meters every {@code dashboard.series.interval} on a Vert.x timer and keeps the differences as points in a
 * bounded ring: the last {@code dashboard.series.window} of this instance, in memory only (Prometheus keeps the long
 * history and the view over all instances). A reading walks the registry once and copies a few numbers per meter.
 */
@ApplicationScoped
public class SeriesSampler {

    /** Bounds memory whatever the configuration: one hour at one point per second. */
    static final int MAX_POINTS = 3600;

    private final MeterRegistry registry;
    private final SeriesConfig config;
    private final Vertx vertx;
    private final SeriesRing ring;
    private volatile MeterTotals last;
    private long timerId = -1;

    public SeriesSampler(MeterRegistry registry, SeriesConfig config, Vertx vertx) {
        this.registry = registry;
        this.config = config;
        this.vertx = vertx;
        long intervalMillis = intervalMillis(config);
        this.ring = new SeriesRing(
                (int) Math.max(1, Math.min(MAX_POINTS, config.window().toMillis() / intervalMillis)));
    }

    void onStart(@Observes StartupEvent event) {
        if (!config.enabled()) {
            return;
        }
        last = MeterTotals.read(registry, System.currentTimeMillis());
        timerId = vertx.setPeriodic(intervalMillis(config), id -> sample());
    }

    void onStop(@Observes ShutdownEvent event) {
        if (timerId >= 0) {
            vertx.cancelTimer(timerId);
        }
    }

    void sample() {
        MeterTotals now = MeterTotals.read(registry, System.currentTimeMillis());
        MeterTotals before = last;
        last = now;
        if (before != null) {
            ring.add(SeriesPoint.between(before, now));
        }
    }

    /** The points after {@code sinceMillis} and the names of everything that has meters now. */
    public SeriesView view(long sinceMillis) {
        MeterTotals current = last;
        List<SeriesPoint> points = ring.since(sinceMillis);
        Set<String> caches = new TreeSet<>();
        Set<String> writeBehind = new TreeSet<>();
        Set<String> refreshAhead = new TreeSet<>();
        if (current != null) {
            caches.addAll(current.caches().keySet());
            writeBehind.addAll(current.writeBehind().keySet());
            refreshAhead.addAll(current.refreshes().keySet());
        }
        return new SeriesView(
                intervalMillis(config),
                (long) ring.capacity() * intervalMillis(config),
                List.copyOf(caches),
                List.copyOf(writeBehind),
                List.copyOf(refreshAhead),
                current != null && current.redisCommands().upperBoundsSeconds().length > 0,
                points);
    }

    private static long intervalMillis(SeriesConfig config) {
        return Math.max(100, config.interval().toMillis());
    }
}
