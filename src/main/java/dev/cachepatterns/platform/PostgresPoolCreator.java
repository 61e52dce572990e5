package dev.cachepatterns.platform;

import java.util.List;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Singleton;

import io.quarkus.reactive.pg.client.PgPoolCreator;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;

import dev.cachepatterns.cache.core.SourceConfig;
import dev.cachepatterns.cache.core.SourcePool;

/**
 * The reactive Postgres pool with the bounds {@code quarkus.datasource.reactive.*} cannot set: the pool's own acquire
 * time-out is the source deadline (Vert.x's default is 30 s), its wait queue holds at most {@code
 * cache.source.max-waiting} callers, each connection carries Postgres' {@code statement_timeout} (the server-side second
 * line), TCP keep-alive (a dead peer of an idle connection is noticed by the kernel) and a read-idle time-out ({@code
 * cache.source.read-idle-timeout}: a connection on which Postgres stays silent that long is closed).
 */
@Singleton
public class PostgresPoolCreator implements PgPoolCreator {

    private final SourceConfig config;

    public PostgresPoolCreator(SourceConfig config) {
        this.config = config;
    }

    @Override
    public Pool create(Input input) {
        PoolOptions options = input.poolOptions()
                .setConnectionTimeout((int) SourcePool.acquireTimeout(config).toMillis())
                .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS)
                .setMaxWaitQueueSize(config.maxWaiting());
        long statementTimeout = config.statementTimeout().toMillis();
        long readIdleTimeout = config.readIdleTimeout().toMillis();
        for (PgConnectOptions connect : input.pgConnectOptionsList()) {
            connect.setTcpKeepAlive(true);
            if (readIdleTimeout > 0) {
                connect.setReadIdleTimeout((int) readIdleTimeout).setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
            }
            if (statementTimeout > 0) {
                // A startup parameter: Postgres applies it to the session as if SET at once.
                connect.addProperty("statement_timeout", Long.toString(statementTimeout));
            }
        }
        return PgBuilder.pool()
                .with(options)
                .connectingTo(List.copyOf(input.pgConnectOptionsList()))
                .using(input.vertx())
                .build();
    }
}
