package dev.cachepatterns.cache;

import java.time.Duration;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import org.jboss.logging.Logger;

/**
 * Wraps every Redis call of the cache layer with a time-out and the shared circuit breaker. Every failure comes out as
 * {@link RedisUnavailableException}, so strategies can tell "Redis is in trouble" from "the loader failed".
 */
@ApplicationScoped
public class RedisGuard {

    private static final Logger LOG = Logger.getLogger(RedisGuard.class);

    private final Duration timeout;
    private final CircuitBreaker breaker;

    public RedisGuard(RedisResilienceConfig config, MeterRegistry registry) {
        this.timeout = config.timeout();
        this.breaker = new CircuitBreaker(
                config.failureThreshold(), config.openFor().toNanos(), System::nanoTime, new CircuitLog(config));
        Gauge.builder("cache.redis.circuit.open", breaker, b -> b.state() == CircuitBreaker.State.CLOSED ? 0 : 1)
                .description("1 while the Redis circuit breaker is open or half-open")
                .register(registry);
    }

    public <T> Uni<T> call(Supplier<Uni<T>> command) {
        return Uni.createFrom().deferred(() -> {
            if (!breaker.tryAcquirePermission()) {
                return Uni.createFrom().failure(new RedisUnavailableException("circuit open"));
            }
            return command.get()
                    .ifNoItem()
                    .after(timeout)
                    .failWith(() -> new RedisUnavailableException("no reply within " + timeout.toMillis() + " ms"))
                    .onFailure()
                    .invoke(failure -> LOG.debugf("Redis call failed: %s", failure.toString()))
                    .onItemOrFailure()
                    .invoke((item, failure) -> {
                        if (failure == null) {
                            breaker.onSuccess();
                        } else {
                            breaker.onFailure();
                        }
                    })
                    .onCancellation()
                    .invoke(breaker::onCancel)
                    .onFailure(failure -> !(failure instanceof RedisUnavailableException))
                    .transform(RedisUnavailableException::new);
        });
    }

    private record CircuitLog(RedisResilienceConfig config) implements CircuitBreaker.Listener {
        @Override
        public void opened() {
            LOG.warnf(
                    "Redis circuit opened after %d consecutive failures; serving from the database for at least %d ms",
                    config.failureThreshold(), config.openFor().toMillis());
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
