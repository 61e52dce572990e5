package dev.cachepatterns.cache.core;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.core.AsyncResult;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.impl.Connection;
import io.vertx.sqlclient.impl.SocketConnectionBase;
import io.vertx.sqlclient.impl.SqlConnectionBase;
import org.jboss.logging.Logger;

/**
 * The Postgres pool with a deadline on every call: what repositories, loaders and write-behind use on request paths.
 * A call waits for a pooled connection and then for its work at most {@code cache.source.deadline} in all (or the
 * bound it is given); past it the caller fails with {@link SourceTimeoutException} (a 503). A call abandoned while its
 * work runs is not left on the connection: a cancel request goes to Postgres and the connection is closed, so the pool
 * opens a fresh one instead of queueing the next caller behind an answer that may never come. Writes use {@link
 * #inTransaction}: a transaction abandoned before its COMMIT was sent is rolled back by Postgres when it sees the
 * closed connection, so a 503 then means "not applied".
 *
 * <p>Connections are taken with {@code getConnection}, not {@code Pool.query}: that path removes a timed-out waiter
 * from the pool's queue and cancels its timer (see docs/failure-modes.md, Limits).
 */
@ApplicationScoped
public class SourcePool {

    private static final Logger LOG = Logger.getLogger(SourcePool.class);

    private final Pool pool;
    private final io.vertx.core.Vertx vertx;
    private final Duration deadline;
    private final AtomicInteger waiting = new AtomicInteger();
    private final AtomicInteger active = new AtomicInteger();
    private final Counter acquireTimeouts;
    private final Counter queryTimeouts;

    public SourcePool(Pool pool, Vertx vertx, SourceConfig config, MeterRegistry registry) {
        this.pool = pool;
        this.vertx = vertx.getDelegate();
        this.deadline = config.deadline();
        Gauge.builder("db.pool.waiting", waiting, AtomicInteger::get)
                .description("Postgres calls waiting for a pooled connection")
                .register(registry);
        Gauge.builder("db.pool.active", active, AtomicInteger::get)
                .description("Postgres calls holding a pooled connection")
                .register(registry);
        this.acquireTimeouts = timeouts(registry, "acquire");
        this.queryTimeouts = timeouts(registry, "query");
    }

    private static Counter timeouts(MeterRegistry registry, String phase) {
        return Counter.builder("db.deadline.exceeded")
                .description("Postgres calls that passed their deadline, by phase (acquire: no pooled connection in"
                        + " time; query: no answer in time, the connection was closed)")
                .tag("phase", phase)
                .register(registry);
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
        return Uni.createFrom().emitter(emitter -> new Call<>(bound, work, emitter).start());
    }

    /** Runs {@code work} in one transaction within the default deadline. */
    public <T> Uni<T> inTransaction(Function<SqlConnection, Uni<T>> work) {
        return inTransaction(deadline, work);
    }

    /** Runs {@code work} in one transaction within {@code bound}; a failure of {@code work} rolls it back. */
    public <T> Uni<T> inTransaction(Duration bound, Function<SqlConnection, Uni<T>> work) {
        return withConnection(
                bound,
                connection -> connection
                        .begin()
                        .flatMap(tx -> Uni.createFrom()
                                .deferred(() -> work.apply(connection))
                                .call(tx::commit)
                                .onFailure()
                                .call(() -> tx.rollback().onFailure().recoverWithNull())));
    }

    private static final int ACQUIRING = 0;
    private static final int RUNNING = 1;
    private static final int DONE = 2;

    /** One call: whoever moves the state to DONE first (the work, the timer, a cancellation) decides its outcome. */
    private final class Call<T> {

        private final Duration bound;
        private final Function<SqlConnection, Uni<T>> work;
        private final UniEmitter<? super T> emitter;
        private final AtomicInteger state = new AtomicInteger(ACQUIRING);
        private volatile io.vertx.sqlclient.SqlConnection connection;
        private volatile long timer = -1;

        Call(Duration bound, Function<SqlConnection, Uni<T>> work, UniEmitter<? super T> emitter) {
            this.bound = bound;
            this.work = work;
            this.emitter = emitter;
        }

        void start() {
            waiting.incrementAndGet();
            timer = vertx.setTimer(Math.max(1, bound.toMillis()), id -> expire());
            // A caller that gives up while waiting: the connection, if it still comes, goes back unused. Work already
            // running is left to finish (or to its deadline), so the connection is returned in a known state.
            emitter.onTermination(() -> {
                if (state.compareAndSet(ACQUIRING, DONE)) {
                    vertx.cancelTimer(timer);
                }
            });
            pool.getDelegate().getConnection().onComplete(this::acquired);
        }

        private void acquired(AsyncResult<io.vertx.sqlclient.SqlConnection> result) {
            waiting.decrementAndGet();
            if (result.failed()) {
                if (state.compareAndSet(ACQUIRING, DONE)) {
                    vertx.cancelTimer(timer);
                    emitter.fail(acquireFailure(result.cause()));
                }
                return;
            }
            io.vertx.sqlclient.SqlConnection conn = result.result();
            // Set before the state says RUNNING: the timer may fire right after and must find the connection.
            connection = conn;
            active.incrementAndGet();
            if (!state.compareAndSet(ACQUIRING, RUNNING)) {
                active.decrementAndGet();
                conn.close(); // nothing was sent on it
                return;
            }
            Uni.createFrom()
                    .deferred(() -> work.apply(SqlConnection.newInstance(conn)))
                    .subscribe()
                    .with(this::succeeded, this::failed);
        }

        private void succeeded(T item) {
            if (finishRunning()) {
                emitter.complete(item);
            }
        }

        private void failed(Throwable failure) {
            if (finishRunning()) {
                emitter.fail(failure);
            }
        }

        private boolean finishRunning() {
            if (!state.compareAndSet(RUNNING, DONE)) {
                return false; // abandoned at the deadline: the connection is closed already
            }
            vertx.cancelTimer(timer);
            active.decrementAndGet();
            connection.close();
            return true;
        }

        private void expire() {
            if (state.compareAndSet(ACQUIRING, DONE)) {
                emitter.fail(acquireTimeout());
            } else if (state.compareAndSet(RUNNING, DONE)) {
                queryTimeouts.increment();
                active.decrementAndGet();
                abandon(connection);
                emitter.fail(new SourceTimeoutException("Postgres did not answer within " + bound.toMillis() + " ms"));
            }
        }

        private SourceTimeoutException acquireTimeout() {
            acquireTimeouts.increment();
            return new SourceTimeoutException("No Postgres connection within " + bound.toMillis() + " ms");
        }

        // The pool's own acquire time-out (set to the deadline) fails with a bare "Timeout".
        private Throwable acquireFailure(Throwable cause) {
            String message = cause.getMessage();
            return message != null && message.toLowerCase().contains("timeout") ? acquireTimeout() : cause;
        }
    }

    /**
     * Asks Postgres to cancel what the connection runs and closes its socket. Closing through the client API would
     * queue the close behind the unanswered command; closing the socket fails that command at once and makes the pool
     * drop the connection. Postgres rolls back an open transaction when it reads the closed connection.
     */
    private static void abandon(io.vertx.sqlclient.SqlConnection conn) {
        if (conn instanceof PgConnection pg) {
            pg.cancelRequest()
                    .onFailure(failure -> LOG.debugf("cancel request of an abandoned query failed: %s", failure));
        }
        Connection physical = conn instanceof SqlConnectionBase<?> base ? base.unwrap() : null;
        while (physical != null && !(physical instanceof SocketConnectionBase) && physical.unwrap() != physical) {
            physical = physical.unwrap();
        }
        if (physical instanceof SocketConnectionBase socket) {
            socket.socket().close();
        } else {
            LOG.warnf("cannot close the socket of an abandoned %s; closing it through the client", conn.getClass());
            conn.close();
        }
    }
}
