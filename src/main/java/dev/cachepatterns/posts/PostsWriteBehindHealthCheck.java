package dev.cachepatterns.posts;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import dev.cachepatterns.cache.WriteBehind;

/**
 * Readiness DOWN while Redis runs with a {@code maxmemory-policy} that may evict the write-behind queue (unless
 * {@code write-behind.posts.require-safe-eviction-policy=false}). An unreachable Redis does not fail readiness:
 * increments are then written to Postgres synchronously.
 */
@Readiness
@ApplicationScoped
public class PostsWriteBehindHealthCheck implements AsyncHealthCheck {

    static final String NAME = "write-behind-posts";

    private final WriteBehind engagement;
    private final PostsWriteBehindConfig config;

    public PostsWriteBehindHealthCheck(PostService posts, PostsWriteBehindConfig config) {
        this.engagement = posts.engagement();
        this.config = config;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        return engagement
                .durability()
                .map(durability -> {
                    HealthCheckResponseBuilder builder = HealthCheckResponse.named(NAME)
                            .withData("maxmemory-policy", durability.evictionPolicy())
                            .withData("aof", durability.appendOnly());
                    if (!durability.appendOnly()) {
                        builder.withData("warning", "Redis AOF is off: accepted increments are lost if Redis restarts");
                    }
                    if (!durability.evictionSafe() && config.requireSafeEvictionPolicy()) {
                        return builder.down()
                                .withData(
                                        "problem",
                                        "Redis maxmemory-policy '" + durability.evictionPolicy()
                                                + "' may evict keys without a TTL, including the write-behind stream"
                                                + " of accepted views and likes. Set noeviction or volatile-*, or use a"
                                                + " separate Redis for durable data (or set"
                                                + " write-behind.posts.require-safe-eviction-policy=false for"
                                                + " throw-away setups).")
                                .build();
                    }
                    return builder.up().build();
                })
                .onFailure()
                .recoverWithItem(failure -> HealthCheckResponse.named(NAME)
                        .up()
                        .withData("redis", "unreachable: increments are written to Postgres synchronously")
                        .build());
    }
}
