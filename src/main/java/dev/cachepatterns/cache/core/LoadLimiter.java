package dev.cachepatterns.cache.core;

import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;

import dev.cachepatterns.cache.Internal;

/**
 * A non-blocking semaphore for loader calls: at most {@code maxConcurrent} run at once, at most {@code maxQueued} wait
 * in a FIFO queue, and the rest fail at once with {@link LoadRejectedException}. No thread ever blocks on it. A load
 * that has not answered within {@code cache.source.deadline}, waiting in the queue included, fails with {@link
 * SourceTimeoutException}: a queue behind a hung database must not hold its callers for many deadlines.
 */
@ApplicationScoped
@Internal
public class LoadLimiter {

    private final int maxQueued;
    private final Duration deadline;
    private final AtomicInteger permits;
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicInteger draining = new AtomicInteger();
    private final Queue<Runnable> waiting = new ConcurrentLinkedQueue<>();

    public LoadLimiter(LoadLimitConfig config, SourceConfig source, MeterRegistry registry) {
        this.maxQueued = config.maxQueued();
        this.deadline = source.deadline();
        this.permits = new AtomicInteger(config.maxConcurrent());
        int max = config.maxConcurrent();
        Gauge.builder("cache.loads.active", permits, p -> max - p.get())
                .description("Loader calls running now")
                .register(registry);
        Gauge.builder("cache.loads.queued", queued, AtomicInteger::get)
                .description("Loader calls waiting for a slot")
                .register(registry);
    }

    public <T> Uni<T> run(Supplier<Uni<T>> load) {
        return Uni.createFrom().deferred(() -> {
            AtomicBoolean cancelled = new AtomicBoolean();
            return Uni.createFrom()
                    .<T>emitter(emitter -> enqueue(load, cancelled, emitter))
                    .onCancellation()
                    .invoke(() -> cancelled.set(true))
                    // A queued load is skipped once cancelled; a running one keeps its slot until its own deadline.
                    .ifNoItem()
                    .after(deadline)
                    .failWith(() -> new SourceTimeoutException(
                            "The database did not answer a load within " + deadline.toMillis() + " ms"));
        });
    }

    private <T> void enqueue(Supplier<Uni<T>> load, AtomicBoolean cancelled, UniEmitter<? super T> emitter) {
        Runnable task = () -> {
            if (cancelled.get()) {
                release();
                return;
            }
            Uni.createFrom()
                    .deferred(load::get)
                    .onTermination()
                    .invoke(this::release)
                    .subscribe()
                    .with(emitter::complete, emitter::fail);
        };
        if (tryAcquire()) {
            task.run();
        } else if (queued.incrementAndGet() <= maxQueued) {
            waiting.add(task);
            drain();
        } else {
            queued.decrementAndGet();
            emitter.fail(new LoadRejectedException("database load queue is full"));
        }
    }

    private boolean tryAcquire() {
        while (true) {
            int available = permits.get();
            if (available <= 0) {
                return false;
            }
            if (permits.compareAndSet(available, available - 1)) {
                return true;
            }
        }
    }

    private void release() {
        permits.incrementAndGet();
        drain();
    }

    // Hands free permits to queued tasks; re-checks the queue so a task added concurrently with a release is not
    // stranded. One drain runs at a time: a task that fails at once (a pool refusing an acquisition synchronously)
    // releases, and that release only flags the running drain to go round again. Calling drain from there recursed
    // once per queued task, and a few hundred of them overflowed the stack, leaving the rest of the queue unanswered.
    private void drain() {
        if (draining.getAndIncrement() != 0) {
            return;
        }
        do {
            while (!waiting.isEmpty() && tryAcquire()) {
                Runnable next = waiting.poll();
                if (next == null) {
                    permits.incrementAndGet();
                    continue;
                }
                queued.decrementAndGet();
                next.run();
            }
        } while (draining.decrementAndGet() != 0);
    }
}
