package dev.cachepatterns.cache.core;

import java.time.Duration;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;

/**
 * The Postgres pool with a deadline on every call: what repositories, loaders and write-behind use on request paths.
 * A call waits for a pooled connection and then for its work at most {@code cache.source.deadline} in all (or the
 * bound it is given); past it the caller fails with {@link SourceTimeoutException} (a 503). A call abandoned while its
 * work runs is not left on the connection: a cancel request goes to Postgres, and once the work has ended Postgres ends
 * that session, so the pool opens a fresh connection instead of handing the next caller one that still owes an answer
 * or a cancellation. Writes use {@link #inTransaction}: a transaction abandoned before its COMMIT is never committed, so
 * a 503 then means "not applied". Only public Vert.x API is used (see {@link SourceCall}).
 *
 * <p>Connections are taken with {@code getConnection}, not {@code Pool.query}: that path removes a timed-out waiter
 * from the pool's queue and cancels its timer (see docs/failure-modes.md, Limits).
 */
@ApplicationScoped
public class SourcePool {

    private final Pool pool;
    private final io.vertx.core.Vertx vertx;
    private final Duration deadline;
    private final Duration acquireTimeout;
    private final SourceMeters meters;

    public SourcePool(Pool pool, Vertx vertx, SourceConfig config, MeterRegistry registry) {
        this.pool = pool;
        this.vertx = vertx.getDelegate();
        this.deadline = config.deadline();
        this.acquireTimeout = acquireTimeout(config);
        this.meters = new SourceMeters(registry);
    }

    /**
     * How long the pool itself lets a caller wait for a connection ({@code PoolOptions.connectionTimeout}): the default
     * deadline, so a waiter whose caller gave up leaves the pool's bounded queue about when its caller did.
     */
    public static Duration acquireTimeout(SourceConfig config) {
        return Duration.ofMillis(Math.max(1, config.deadline().toMillis()));
    }

    /** The default deadline of a call ({@code cache.source.deadline}). */
    public Duration deadline() {
        return deadline;
    }

    /** Runs {@code work} on a pooled connection within the default deadline. */
    public <T> Uni<T> withConnection(Function<SqlConnection, Uni<T>> work) {
        return withConnection(deadline, work);
    }

    /** Runs {@code work} on a pooled connection within {@code bound}, waiting for the connection included. */
    public <T> Uni<T> withConnection(Duration bound, Function<SqlConnection, Uni<T>> work) {
        return call(bound, false, work);
    }

    /** Runs {@code work} in one transaction within the default deadline. */
    public <T> Uni<T> inTransaction(Function<SqlConnection, Uni<T>> work) {
        return inTransaction(deadline, work);
    }

    /**
     * Runs {@code work} in one transaction within {@code bound}; a failure of {@code work} rolls it back, and so does
     * the deadline passing before the COMMIT was sent.
     */
    public <T> Uni<T> inTransaction(Duration bound, Function<SqlConnection, Uni<T>> work) {
        return call(bound, true, work);
    }

    private <T> Uni<T> call(Duration bound, boolean transactional, Function<SqlConnection, Uni<T>> work) {
        return Uni.createFrom()
                .emitter(emitter -> new SourceCall<>(
                                pool.getDelegate(), vertx, meters, bound, acquireTimeout, transactional, work, emitter)
                        .start());
    }
}
