package dev.cachepatterns.cache.writebehind;

import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The metrics of one write-behind component, named as in the design: {@code write_behind_pending},
 * {@code write_behind_lag_seconds}, {@code write_behind_flushed_total}, {@code write_behind_dead_total}; all tagged with
 * {@code name}.
 */
final class WriteBehindMetrics {

    private final AtomicLong pending = new AtomicLong();
    private final AtomicLong lagMillis = new AtomicLong();
    private final Counter flushed;
    private final Counter dead;
    private final Counter synchronous;
    private final Counter rejected;

    WriteBehindMetrics(String name, MeterRegistry registry) {
        Gauge.builder("write.behind.pending", pending, AtomicLong::get)
                .description("Accepted increments not yet applied to the database (entries in the stream)")
                .tag("name", name)
                .register(registry);
        Gauge.builder("write.behind.lag.seconds", lagMillis, millis -> millis.get() / 1000.0)
                .description("Age of the oldest accepted increment not yet applied to the database")
                .tag("name", name)
                .register(registry);
        this.flushed = Counter.builder("write.behind.flushed")
                .description("Increments applied to the database by the flusher")
                .tag("name", name)
                .register(registry);
        this.dead = Counter.builder("write.behind.dead")
                .description("Increments moved to the dead-letter stream")
                .tag("name", name)
                .register(registry);
        this.synchronous = Counter.builder("write.behind.synchronous")
                .description("Increments written straight to the database (Redis unavailable or backlog full)")
                .tag("name", name)
                .register(registry);
        this.rejected = Counter.builder("write.behind.rejected")
                .description("Increments answered with 503 because the backlog was full")
                .tag("name", name)
                .register(registry);
    }

    void backlog(long entries, long oldestAgeMillis) {
        pending.set(entries);
        lagMillis.set(Math.max(0, oldestAgeMillis));
    }

    void flushed(long count) {
        flushed.increment(count);
    }

    void dead(long count) {
        dead.increment(count);
    }

    void synchronous() {
        synchronous.increment();
    }

    void rejected() {
        rejected.increment();
    }
}
