package dev.cachepatterns.cache.redis;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import org.jboss.logging.Logger;

/**
 * Wraps every Redis call of the cache layer with a time-out and the shared circuit breaker. Every failure comes out as
 * {@link RedisUnavailableException}, so strategies can tell "Redis is in trouble" from "the loader failed".
 */
@ApplicationScoped
public class RedisGuard {

    private static final Logger LOG = Logger.getLogger(RedisGuard.class);

    private final Vertx vertx;
    private final long timeoutMillis;
    private final CircuitBreaker breaker;
    private final CommandTimers timers;

    public RedisGuard(RedisResilienceConfig config, MeterRegistry registry, Vertx vertx) {
        this.vertx = vertx;
        this.timeoutMillis = Math.max(1, config.timeout().toMillis());
        this.breaker = new CircuitBreaker(
                config.failureThreshold(),
                config.windowSize(),
                config.openFor().toNanos(),
                System::nanoTime,
                new CircuitLog(config));
        Gauge.builder("cache.redis.circuit.open", breaker, b -> b.state() == CircuitBreaker.State.CLOSED ? 0 : 1)
                .description("1 while the Redis circuit breaker is open or half-open")
                .register(registry);
        this.timers = new CommandTimers(registry);
    }

    public <T> Uni<T> call(Supplier<Uni<T>> command) {
        return Uni.createFrom().emitter(emitter -> {
            if (!breaker.tryAcquirePermission()) {
                emitter.fail(new RedisUnavailableException("circuit open"));
                return;
            }
            // A Vert.x timer rather than Mutiny's ifNoItem(): it runs on the event loop, with no hop to a shared
            // scheduler thread on every cache read.
            AtomicBoolean settled = new AtomicBoolean();
            long start = System.nanoTime();
            long timer = vertx.setTimer(timeoutMillis, id -> {
                if (settled.compareAndSet(false, true)) {
                    breaker.onFailure();
                    timers.timeout.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                    emitter.fail(new RedisUnavailableException("no reply within " + timeoutMillis + " ms"));
                }
            });
            emitter.onTermination(() -> {
                if (settled.compareAndSet(false, true)) {
                    // Cancelled by the caller before Redis answered.
                    vertx.cancelTimer(timer);
                    breaker.onCancel();
                }
            });
            Uni<T> call;
            try {
                call = command.get();
            } catch (RuntimeException e) {
                call = Uni.createFrom().failure(e);
            }
            call.subscribe()
                    .with(
                            item -> {
                                if (settled.compareAndSet(false, true)) {
                                    vertx.cancelTimer(timer);
                                    breaker.onSuccess();
                                    timers.success.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                                    emitter.complete(item);
                                }
                            },
                            failure -> {
                                if (settled.compareAndSet(false, true)) {
                                    vertx.cancelTimer(timer);
                                    breaker.onFailure();
                                    timers.failure.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                                    LOG.debugf("Redis call failed: %s", failure);
                                    emitter.fail(
                                            failure instanceof RedisUnavailableException
                                                    ? failure
                                                    : new RedisUnavailableException(failure));
                                }
                            });
        });
    }

    /**
     * {@code cache_redis_command_duration_seconds{outcome}}: the time from the call to its reply, failure or time-out
     * (a call rejected by the open circuit is not timed). Built once: the hit path must not look meters up per call.
     * The buckets come from the platform's histogram filter.
     */
    private static final class CommandTimers {
        final Timer success;
        final Timer failure;
        final Timer timeout;

        CommandTimers(MeterRegistry registry) {
            success = timer(registry, "success");
            failure = timer(registry, "failure");
            timeout = timer(registry, "timeout");
        }

        private static Timer timer(MeterRegistry registry, String outcome) {
            return Timer.builder("cache.redis.command.duration")
                    .description("Time of the cache layer's Redis calls, from the call to its outcome")
                    .tag("outcome", outcome)
                    .register(registry);
        }
    }

    private record CircuitLog(RedisResilienceConfig config) implements CircuitBreaker.Listener {
        @Override
        public void opened() {
            LOG.warnf(
                    "Redis circuit opened: %d of the last %d calls failed; serving from the database for at least %d ms",
                    config.failureThreshold(),
                    config.windowSize(),
                    config.openFor().toMillis());
        }

        @Override
        public void closed() {
            LOG.info("Redis circuit closed: Redis answers again");
        }
    }

    public CircuitBreaker.State circuitState() {
        return breaker.state();
    }
}
