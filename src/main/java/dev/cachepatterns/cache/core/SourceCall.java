package dev.cachepatterns.cache.core;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.core.AsyncResult;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.mutiny.sqlclient.Transaction;
import io.vertx.pgclient.PgConnection;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import org.jboss.logging.Logger;

/**
 * One call of {@link SourcePool}: waits for a pooled connection, then runs its work, all within its bound. Whoever
 * moves the state on first (the work, the deadline's timer, a caller giving up while waiting) decides the outcome.
 *
 * <p>A call past its deadline while its work runs is abandoned: its caller fails at once with {@link
 * SourceTimeoutException}, a cancel request goes to Postgres, and its connection stays out of the pool until the work
 * has ended; then Postgres is asked to end that session ({@code pg_terminate_backend} of its own backend), so the pool
 * drops the connection instead of handing it, with a cancel request still in flight, to the next caller. A transaction
 * abandoned before its COMMIT is never committed: the COMMIT is sent only by a call that is still running.
 *
 * <p>A connection that cannot be opened, or is lost before the work ended, fails the call with {@link
 * SourceUnavailableException}: the client reports a command refused on a closed connection with an untyped failure,
 * which the call tells by the connection's close, which it watches, or by the failure carrying a message only.
 */
final class SourceCall<T> {

    private static final Logger LOG = Logger.getLogger(SourceCall.class);
    private static final String END_SESSION = "SELECT pg_terminate_backend(pg_backend_pid())";

    private static final int ACQUIRING = 0;
    private static final int RUNNING = 1;
    private static final int COMMITTING = 2;
    private static final int FINISHED = 3;
    private static final int ABANDONED = 4;

    private final Pool pool;
    private final Vertx vertx;
    private final SourceMeters meters;
    private final Duration bound;
    private final long acquireBoundNanos;
    private final boolean transactional;
    private final Function<io.vertx.mutiny.sqlclient.SqlConnection, Uni<T>> work;
    private final UniEmitter<? super T> emitter;
    private final AtomicInteger state = new AtomicInteger(ACQUIRING);
    private final Promise<Void> cancelSent = Promise.promise();
    private final Promise<Void> gone = Promise.promise();
    private volatile SqlConnection connection;
    private volatile boolean connectionLost;
    private volatile long timer = -1;
    private long startedNanos;

    /**
     * @param acquireBound how long the pool itself lets a caller wait for a connection ({@link
     *     SourcePool#acquireTimeout}); an acquisition that fails once it has passed is this call's acquire time-out
     */
    SourceCall(
            Pool pool,
            Vertx vertx,
            SourceMeters meters,
            Duration bound,
            Duration acquireBound,
            boolean transactional,
            Function<io.vertx.mutiny.sqlclient.SqlConnection, Uni<T>> work,
            UniEmitter<? super T> emitter) {
        this.pool = pool;
        this.vertx = vertx;
        this.meters = meters;
        this.bound = bound;
        this.acquireBoundNanos = Math.min(millis(bound), millis(acquireBound)) * 1_000_000L;
        this.transactional = transactional;
        this.work = work;
        this.emitter = emitter;
    }

    private static long millis(Duration duration) {
        return Math.max(1, duration.toMillis());
    }

    void start() {
        meters.waiting.incrementAndGet();
        startedNanos = System.nanoTime();
        timer = vertx.setTimer(millis(bound), id -> expire());
        // A caller that gives up while waiting: the connection, if it still comes, goes back unused. Work already
        // running is left to finish (or to its deadline), so the connection is returned in a known state.
        emitter.onTermination(() -> {
            if (state.compareAndSet(ACQUIRING, FINISHED)) {
                vertx.cancelTimer(timer);
            }
        });
        pool.getConnection().onComplete(this::acquired);
    }

    private void acquired(AsyncResult<SqlConnection> result) {
        meters.waiting.decrementAndGet();
        if (result.failed()) {
            if (state.compareAndSet(ACQUIRING, FINISHED)) {
                vertx.cancelTimer(timer);
                // The pool gives up on a waiter at its own acquire time-out, with an untyped failure: told apart by
                // this call's clock, not by the failure's text.
                boolean timedOut = System.nanoTime() - startedNanos >= acquireBoundNanos;
                emitter.fail(timedOut ? acquireTimeout() : acquireFailure(result.cause()));
            }
            return;
        }
        SqlConnection conn = result.result();
        // Set before the state says RUNNING: the timer may fire right after and must find the connection.
        connection = conn;
        conn.closeHandler(closed -> connectionLost = true);
        meters.active.incrementAndGet();
        if (!state.compareAndSet(ACQUIRING, RUNNING)) {
            meters.active.decrementAndGet();
            conn.close(); // nothing was sent on it
            return;
        }
        run(io.vertx.mutiny.sqlclient.SqlConnection.newInstance(conn))
                .subscribe()
                .with(item -> ended(item, null), failure -> ended(null, failure));
    }

    private Uni<T> run(io.vertx.mutiny.sqlclient.SqlConnection conn) {
        if (!transactional) {
            return Uni.createFrom().deferred(() -> work.apply(conn));
        }
        return conn.begin()
                .flatMap(tx -> Uni.createFrom()
                        .deferred(() -> work.apply(conn))
                        .call(() -> commitUnlessAbandoned(tx))
                        .onFailure()
                        .call(() -> tx.rollback().onFailure().recoverWithNull()));
    }

    private Uni<Void> commitUnlessAbandoned(Transaction tx) {
        if (!state.compareAndSet(RUNNING, COMMITTING)) {
            return Uni.createFrom().failure(new SourceTimeoutException("abandoned at its deadline before COMMIT"));
        }
        return tx.commit();
    }

    private void ended(T item, Throwable failure) {
        if (state.compareAndSet(RUNNING, FINISHED) || state.compareAndSet(COMMITTING, FINISHED)) {
            vertx.cancelTimer(timer);
            meters.active.decrementAndGet();
            connection.close();
            if (failure == null) {
                emitter.complete(item);
            } else {
                emitter.fail(typed(failure));
            }
        } else if (state.get() == ABANDONED) {
            cancelSent.future().onComplete(sent -> endSession(connection));
        }
    }

    private void expire() {
        if (state.compareAndSet(ACQUIRING, FINISHED)) {
            emitter.fail(acquireTimeout());
        } else if (state.compareAndSet(RUNNING, ABANDONED) || state.compareAndSet(COMMITTING, ABANDONED)) {
            meters.queryTimedOut();
            meters.active.decrementAndGet();
            meters.abandoned.incrementAndGet();
            watchForClose(connection);
            cancel(connection);
            emitter.fail(new SourceTimeoutException("Postgres did not answer within " + millis(bound) + " ms"));
        }
    }

    /** The pool's wait queue being full is its own answer (503 "saturated"); any other failure is no database. */
    private static Throwable acquireFailure(Throwable cause) {
        return cause instanceof ConnectionPoolTooBusyException
                ? cause
                : new SourceUnavailableException("No Postgres connection could be opened", cause);
    }

    /**
     * A failure on a connection that closed, or of its socket, is the database lost, whatever the client called it (a
     * command refused on a closed connection has no type of its own, hence the watched close); an error Postgres
     * sent (a {@link PgException}, e.g. the session ended by an administrator) keeps its SQLSTATE.
     */
    private Throwable typed(Throwable failure) {
        if (failure instanceof PgException || failure instanceof SourceTimeoutException) {
            return failure;
        }
        if (connectionLost
                || failure instanceof ClosedConnectionException
                || failure instanceof IOException
                || isMessageOnly(failure)) {
            return new SourceUnavailableException("The Postgres connection was lost during the call", failure);
        }
        return failure;
    }

    /**
     * A failure the client reported by its message alone ({@code Future.failedFuture(String)}: a bare {@link Throwable},
     * neither an {@link Exception} nor an {@link Error}). The client does so for commands it refused to send because
     * the connection had closed, also when it closed before this call got it from the pool, which no close handler
     * registered afterwards can see.
     */
    private static boolean isMessageOnly(Throwable failure) {
        return !(failure instanceof Exception) && !(failure instanceof Error);
    }

    private SourceTimeoutException acquireTimeout() {
        meters.acquireTimedOut();
        return new SourceTimeoutException("No Postgres connection within " + millis(bound) + " ms");
    }

    /** Asks Postgres to cancel what the connection runs, so its work ends as soon as Postgres reads the request. */
    private void cancel(SqlConnection conn) {
        if (conn instanceof PgConnection pg) {
            pg.cancelRequest().onComplete(sent -> {
                if (sent.failed()) {
                    LOG.debugf("cancel request of an abandoned query failed: %s", sent.cause());
                }
                cancelSent.tryComplete();
            });
        } else {
            cancelSent.tryComplete();
        }
    }

    /**
     * From the deadline on, notes when the connection goes (the session ended, Postgres gone, the read-idle time-out).
     * Its errors are expected from then on: the end of the session arrives as one (FATAL 57P01).
     */
    private void watchForClose(SqlConnection conn) {
        // Completed after the pool's own close handling, which removes the connection from the pool.
        conn.closeHandler(closed -> vertx.runOnContext(next -> gone.tryComplete()));
        conn.exceptionHandler(failure -> LOG.debugf("abandoned connection: %s", failure));
    }

    /**
     * The abandoned work has ended: Postgres ends the session, and the connection is closed once the pool has seen it
     * go. Ending the session matters because the cancel request travels apart from the connection and Postgres may read
     * it late: on a connection back in the pool it would cancel another caller's query.
     */
    private void endSession(SqlConnection conn) {
        AtomicBoolean released = new AtomicBoolean();
        Runnable release = () -> {
            if (released.compareAndSet(false, true)) {
                meters.abandoned.decrementAndGet();
                conn.close();
            }
        };
        gone.future().onComplete(closed -> release.run());
        if (released.get()) {
            return; // gone already
        }
        conn.query(END_SESSION)
                .execute()
                .onComplete(ended -> vertx.setTimer(millis(bound), id -> {
                    if (!released.get()) {
                        LOG.warnf(
                                "the session of a call abandoned at its deadline was not seen to end (%s); closing its"
                                        + " connection through the pool",
                                ended.failed() ? ended.cause() : "Postgres answered and kept it open");
                        release.run();
                    }
                }));
    }
}
