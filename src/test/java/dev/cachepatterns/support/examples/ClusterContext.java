package dev.cachepatterns.support.examples;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.mutiny.sqlclient.Pool;

import dev.cachepatterns.support.RedisCluster;

/** What an example's checks on a Redis Cluster get: the cluster, the database and the app's meters. */
public record ClusterContext(RedisCluster cluster, Pool pool, MeterRegistry registry) {}
