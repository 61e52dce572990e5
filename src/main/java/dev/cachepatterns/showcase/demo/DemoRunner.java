package dev.cachepatterns.showcase.demo;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import io.smallrye.mutiny.Uni;

import dev.cachepatterns.platform.ProblemException;

/**
 * Runs the demos within their bounds: one run at a time per instance and at most one start per {@code
 * demo.min-interval} (else 429 with Retry-After), a size within {@code 1..maxSize()} (else 400), and {@code
 * demo.timeout} (else 504).
 */
@ApplicationScoped
public class DemoRunner {

    private final List<Demo> demos;
    private final DemoConfig config;
    private final LongSupplier nanoTime;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicLong lastStartNanos = new AtomicLong(Long.MIN_VALUE);

    @Inject
    public DemoRunner(Instance<Demo> demos, DemoConfig config) {
        this(demos.stream().toList(), config, System::nanoTime);
    }

    DemoRunner(List<Demo> demos, DemoConfig config, LongSupplier nanoTime) {
        this.demos = demos.stream()
                .sorted(Comparator.comparing(demo -> demo.info().id()))
                .toList();
        this.config = config;
        this.nanoTime = nanoTime;
    }

    public boolean enabled() {
        return config.enabled();
    }

    public List<DemoInfo> list() {
        return demos.stream().map(Demo::info).toList();
    }

    public Uni<DemoRun> run(String id, Optional<Integer> requestedSize) {
        Demo demo = demos.stream()
                .filter(candidate -> candidate.info().id().equals(id))
                .findFirst()
                .orElseThrow(() -> ProblemException.notFound("No demo '" + id + "'"));
        DemoInfo info = demo.info();
        int size = requestedSize.orElse(info.defaultSize());
        if (size < 1 || size > info.maxSize()) {
            throw ProblemException.badRequest("size must be between 1 and " + info.maxSize() + ", was " + size);
        }
        acquire();
        Instant startedAt = Instant.now();
        long start = nanoTime.getAsLong();
        Duration timeout = config.timeout();
        return Uni.createFrom()
                .deferred(() -> demo.run(size))
                .ifNoItem()
                .after(timeout)
                .failWith(() -> new TimeoutException())
                .onFailure(TimeoutException.class)
                .transform(timedOut -> new ProblemException(
                        504, "Gateway Timeout", "demo '" + id + "' took longer than " + timeout.toMillis() + " ms"))
                .map(result -> new DemoRun(
                        id,
                        size,
                        startedAt,
                        Duration.ofNanos(nanoTime.getAsLong() - start).toMillis(),
                        result.summary(),
                        result.figures()))
                .onTermination()
                .invoke(() -> running.set(false));
    }

    private void acquire() {
        long now = nanoTime.getAsLong();
        long last = lastStartNanos.get();
        long waitNanos =
                last == Long.MIN_VALUE ? 0 : last + config.minInterval().toNanos() - now;
        if (waitNanos > 0) {
            throw tooMany("demos start at most once per " + config.minInterval().toMillis() + " ms", waitNanos);
        }
        if (!running.compareAndSet(false, true)) {
            throw tooMany(
                    "another demo is running on this instance",
                    config.minInterval().toNanos());
        }
        lastStartNanos.set(now);
    }

    private static ProblemException tooMany(String detail, long waitNanos) {
        int seconds = (int) Math.max(1, Math.ceil(waitNanos / 1e9));
        return new ProblemException(429, "Too Many Requests", detail, seconds);
    }
}
