package dev.cachepatterns.platform;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import dev.cachepatterns.cache.redis.RedisGuard;

/**
 * Reports the Redis circuit in readiness without failing it: reads degrade to Postgres while Redis is down, so taking
 * the instance out of service would only make things worse.
 */
@Readiness
@ApplicationScoped
public class RedisCacheHealthCheck implements HealthCheck {

    private final RedisGuard guard;

    public RedisCacheHealthCheck(RedisGuard guard) {
        this.guard = guard;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("redis-cache")
                .up()
                .withData("circuit", guard.circuitState().name().toLowerCase())
                .build();
    }
}
