package dev.cachepatterns.platform.idempotency;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * {@code idempotency_requests_total{result}}: requests with an {@code Idempotency-Key} by what the key did. {@code
 * applied} ran the write, {@code replayed} answered a first outcome, {@code in_progress} was a 409, {@code reused} a
 * 422, {@code unchecked} found Redis unavailable (a durable write then ran on its ledger alone, any other was a 503).
 */
@ApplicationScoped
class IdempotencyMetrics {

    private final Counter applied;
    private final Counter replayed;
    private final Counter inProgress;
    private final Counter reused;
    private final Counter unchecked;

    IdempotencyMetrics(MeterRegistry registry) {
        applied = counter(registry, "applied");
        replayed = counter(registry, "replayed");
        inProgress = counter(registry, "in_progress");
        reused = counter(registry, "reused");
        unchecked = counter(registry, "unchecked");
    }

    private static Counter counter(MeterRegistry registry, String result) {
        return Counter.builder("idempotency.requests")
                .description("Requests with an Idempotency-Key, by what the key did")
                .tag("result", result)
                .register(registry);
    }

    void applied() {
        applied.increment();
    }

    void replayed() {
        replayed.increment();
    }

    void inProgress() {
        inProgress.increment();
    }

    void reused() {
        reused.increment();
    }

    void unchecked() {
        unchecked.increment();
    }
}
