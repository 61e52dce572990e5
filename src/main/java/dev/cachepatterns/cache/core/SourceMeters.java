package dev.cachepatterns.cache.core;

import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/** What operators see of {@link SourcePool}: calls waiting, running and abandoned, and deadlines passed by phase. */
final class SourceMeters {

    final AtomicInteger waiting = new AtomicInteger();
    final AtomicInteger active = new AtomicInteger();
    final AtomicInteger abandoned = new AtomicInteger();
    private final Counter acquireTimeouts;
    private final Counter queryTimeouts;

    SourceMeters(MeterRegistry registry) {
        Gauge.builder("db.pool.waiting", waiting, AtomicInteger::get)
                .description("Postgres calls waiting for a pooled connection")
                .register(registry);
        Gauge.builder("db.pool.active", active, AtomicInteger::get)
                .description("Postgres calls holding a pooled connection")
                .register(registry);
        Gauge.builder("db.pool.abandoned", abandoned, AtomicInteger::get)
                .description("Pooled connections of calls abandoned at their deadline, kept out of the pool until"
                        + " Postgres has answered them and ended their session")
                .register(registry);
        this.acquireTimeouts = timeouts(registry, "acquire");
        this.queryTimeouts = timeouts(registry, "query");
    }

    private static Counter timeouts(MeterRegistry registry, String phase) {
        return Counter.builder("db.deadline.exceeded")
                .description("Postgres calls that passed their deadline, by phase (acquire: no pooled connection in"
                        + " time; query: no answer in time, the query was cancelled and its session ended)")
                .tag("phase", phase)
                .register(registry);
    }

    void acquireTimedOut() {
        acquireTimeouts.increment();
    }

    void queryTimedOut() {
        queryTimeouts.increment();
    }
}
