package dev.cachepatterns.cache.redis;

import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import org.jboss.logging.Logger;

/**
 * Wraps every Redis call of the cache layer with a time-out and the shared circuit breaker, and keeps the calls in
 * flight within the client's connection pool. Every failure comes out as {@link RedisUnavailableException}, so
 * strategies can tell "Redis is in trouble" from "the loader failed".
 */
@ApplicationScoped
public class RedisGuard {

    private static final Logger LOG = Logger.getLogger(RedisGuard.class);

    private final CircuitBreaker breaker;
    private final GuardedCall.Shared shared;
    private final ProcessStalls stalls;

    public RedisGuard(RedisResilienceConfig config, MeterRegistry registry, Vertx vertx) {
        this.breaker = new CircuitBreaker(
                config.failureThreshold(),
                config.windowSize(),
                config.openFor().toNanos(),
                System::nanoTime,
                new CircuitLog(config));
        Gauge.builder("cache.redis.circuit.open", breaker, b -> b.state() == CircuitBreaker.State.CLOSED ? 0 : 1)
                .description("1 while the Redis circuit breaker is open or half-open")
                .register(registry);
        CommandTimers timers = new CommandTimers(registry);
        // A loop a fifth of the time-out late is a stalled process, not a slow Redis.
        this.stalls = new ProcessStalls(vertx, Math.max(1, config.timeout().toNanos() / 5));
        Admission admission = new Admission(
                config.maxInFlight(), config.maxQueued(), config.queueTimeout().toMillis(), vertx, stalls);
        Gauge.builder("cache.redis.calls.queued", admission, Admission::queued)
                .description("Redis calls waiting here for a free connection (local congestion)")
                .register(registry);
        Counter congested = Counter.builder("cache.redis.congested")
                .description("Redis calls given up after waiting queue-timeout for a free connection; local"
                        + " congestion, which the circuit breaker does not count")
                .register(registry);
        this.shared = new GuardedCall.Shared(
                vertx,
                Math.max(1, config.timeout().toMillis()),
                breaker,
                admission,
                timers.success,
                timers.failure,
                timers.timeout,
                congested,
                stalls,
                Counter.builder("cache.redis.stalls")
                        .description("Redis time-outs that expired while this process was stalled (CPU starvation, GC,"
                                + " a busy event loop): the call got one more time-out instead of counting as a"
                                + " Redis failure")
                        .register(registry));
    }

    /**
     * Runs {@code command} once a slot is free (see {@link Admission}), with the time-out and the circuit breaker. Fails
     * with {@link RedisUnavailableException} only; local congestion is one too, but the breaker does not count it.
     */
    public <T> Uni<T> call(Supplier<Uni<T>> command) {
        return Uni.createFrom().emitter(emitter -> new GuardedCall<T>(shared, command, emitter).start());
    }

    /**
     * {@code cache_redis_command_duration_seconds{outcome}}: the time from sending the call to its reply, failure or
     * time-out (a call rejected by the open circuit or waiting for a connection is not timed). Built once: the hit path must not look meters up per call.
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

    /** How this process keeps its event loops on time: what excuses a late reply (e.g. the near tier's heartbeat). */
    public ProcessStalls stalls() {
        return stalls;
    }
}
