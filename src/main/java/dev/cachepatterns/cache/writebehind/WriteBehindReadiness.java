package dev.cachepatterns.cache.writebehind;

import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

/**
 * Readiness of one write-behind component, {@code write-behind-<name>}: DOWN while Redis runs with a {@code
 * maxmemory-policy} that may evict the queue (unless {@code require-safe-eviction-policy=false}). An unreachable Redis
 * does not fail readiness: increments are then written to Postgres synchronously.
 */
final class WriteBehindReadiness implements AsyncHealthCheck {

    private final String checkName;
    private final WriteBehind component;
    private final WriteBehindSettings settings;

    WriteBehindReadiness(String componentName, WriteBehind component, WriteBehindSettings settings) {
        this.checkName = "write-behind-" + componentName;
        this.component = component;
        this.settings = settings;
    }

    String name() {
        return checkName;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        return component
                .durability()
                .map(durability -> {
                    HealthCheckResponseBuilder builder = HealthCheckResponse.named(checkName)
                            .withData("maxmemory-policy", durability.evictionPolicy())
                            .withData("aof", durability.appendOnly());
                    if (!durability.appendOnly()) {
                        builder.withData("warning", "Redis AOF is off: accepted increments are lost if Redis restarts");
                    }
                    if (!durability.evictionSafe() && settings.requireSafeEvictionPolicy()) {
                        return builder.down()
                                .withData(
                                        "problem",
                                        "Redis maxmemory-policy '" + durability.evictionPolicy()
                                                + "' may evict keys without a TTL, including the write-behind stream"
                                                + " of accepted increments. Set noeviction or volatile-*, use a"
                                                + " separate Redis for durable data, or set"
                                                + " require-safe-eviction-policy=false in this component's"
                                                + " write-behind settings for throw-away setups.")
                                .build();
                    }
                    return builder.up().build();
                })
                .onFailure()
                .recoverWithItem(failure -> HealthCheckResponse.named(checkName)
                        .up()
                        .withData("redis", "unreachable: increments are written to Postgres synchronously")
                        .build());
    }
}
