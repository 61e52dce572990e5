package dev.cachepatterns.cache.aside;

import java.net.URI;
import java.util.List;

import jakarta.inject.Singleton;

import io.quarkus.redis.client.RedisOptionsCustomizer;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.runtime.client.config.RedisConfig;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;

/**
 * The Redis clients of the near tiers' tracking connections. Each tracking connection gets a client of its own, built
 * with the public Vert.x API ({@link Redis#createClient(Vertx, RedisOptions)}) from a copy of the very options Quarkus
 * built for the application's default client, which a {@link RedisOptionsCustomizer} sees last: hosts, Sentinel, TLS,
 * the ACL user and the password apply unchanged. Its pool holds that one connection, so it is never lent to anyone
 * else, and closing the client closes the connection for sure.
 */
@Singleton
final class TrackingClients implements RedisOptionsCustomizer {

    private final ReactiveRedisDataSource application;
    private volatile RedisOptions configured;

    TrackingClients(ReactiveRedisDataSource application) {
        this.application = application;
    }

    @Override
    public void customize(String clientName, RedisOptions options) {
        if (RedisConfig.isDefaultClient(clientName)) {
            configured = new RedisOptions(options);
        }
    }

    /** A new client for one tracking connection to the configured Redis (standalone, or the primary of Sentinel). */
    Redis create(Vertx vertx) {
        return Redis.createClient(vertx, oneConnection(new RedisOptions(options())));
    }

    /** A new client for one tracking connection to one node (e.g. a master of a cluster), as the application connects. */
    Redis create(Vertx vertx, String endpoint) {
        RedisOptions options = new RedisOptions(options());
        options.setType(RedisClientType.STANDALONE).setEndpoints(List.of(endpoint));
        return Redis.createClient(vertx, oneConnection(options));
    }

    /**
     * The endpoint of the node at {@code host}:{@code port} as the application reaches the cluster: the first configured
     * endpoint with only its host and port replaced, so its scheme (TLS or not), user, password and parameters ({@code
     * ?user=...}) apply unchanged.
     */
    String nodeEndpoint(String host, int port) {
        URI seed = URI.create(options().getEndpoint());
        String userInfo = seed.getRawUserInfo() == null ? "" : seed.getRawUserInfo() + "@";
        String address = host.contains(":") ? "[" + host + "]" : host;
        String path = seed.getRawPath() == null ? "" : seed.getRawPath();
        String query = seed.getRawQuery() == null ? "" : "?" + seed.getRawQuery();
        return seed.getScheme() + "://" + userInfo + address + ":" + port + path + query;
    }

    private RedisOptions options() {
        if (configured == null) {
            application.getRedis(); // builds the application's client (the bean is lazy), which shows us its options
        }
        if (configured == null) {
            throw new IllegalStateException("the default Redis client's options were not seen");
        }
        return configured;
    }

    private static RedisOptions oneConnection(RedisOptions options) {
        return options.setMaxPoolSize(1).setMaxPoolWaiting(8);
    }
}
