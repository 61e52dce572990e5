package dev.cachepatterns.cache.aside;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisConnection;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import org.jboss.logging.Logger;

import dev.cachepatterns.cache.redis.ProcessStalls;

/**
 * Redis server-assisted client-side caching for one near tier on one Redis node: a connection of its own (a client of
 * its own, {@link TrackingClients}) in RESP3 with {@code CLIENT TRACKING ON BCAST PREFIX <prefix>:}, so Redis pushes the
 * name of every key under the prefix that anyone changes on that node (any instance, script or {@code redis-cli};
 * expiries and evictions too; {@code FLUSHALL} as "everything"). The node must answer {@code ROLE} as a master before
 * the tier relies on it. On a Redis Cluster there is one per master ({@link ClusterTracking}).
 *
 * <p>A {@code ROLE} heartbeat every {@code heartbeat} proves, once answered, that every push Redis sent before it has
 * been applied (they share the connection, in order); the tier serves entries only within {@link #LEASE_HEARTBEATS}
 * heartbeats of the sending of the last answered one (its {@link Lease}). A late answer therefore pauses serving without
 * dropping anything. The tier is flushed only when invalidations may really have been missed: the connection drops, it answers
 * from a replica (a Sentinel failover), or it stays silent for longer than this process's stalls explain ({@link
 * TrackingHeartbeat}); it goes live again, flushed, once tracking is back on a new connection. Reads go to Redis
 * meanwhile.
 */
final class KeyTracking {

    /** How many heartbeat intervals an answered heartbeat lets the tier serve, counted from when it was sent. */
    static final int LEASE_HEARTBEATS = 2;

    private static final Logger LOG = Logger.getLogger(KeyTracking.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    /** The live tracking connection, the client it alone uses, and its heartbeat. */
    private record Session(Redis client, RedisConnection connection, TrackingHeartbeat heartbeat) {}

    private final String name;
    private final String prefix;
    private final Supplier<Redis> clients;
    private final Vertx vertx;
    private final NearSettings settings;
    private final ProcessStalls stalls;
    private final NearTier tier;
    private final Lease lease;
    private final Runnable onInterrupted;
    private final AtomicReference<Session> current = new AtomicReference<>();
    private volatile boolean stopped;
    private volatile boolean everLive;
    private volatile boolean warned;
    private long timer = -1;
    private volatile Duration backoff = Duration.ofMillis(100);

    KeyTracking(
            String name,
            String prefix,
            Supplier<Redis> clients,
            Vertx vertx,
            NearSettings settings,
            ProcessStalls stalls,
            NearTier tier,
            Lease lease,
            Runnable onInterrupted) {
        this.name = name;
        this.prefix = prefix;
        this.clients = clients;
        this.vertx = vertx;
        this.settings = settings;
        this.stalls = stalls;
        this.tier = tier;
        this.lease = lease;
        this.onInterrupted = onInterrupted;
    }

    void start() {
        connect();
        timer = vertx.setPeriodic(settings.heartbeat().toMillis(), tick -> beat());
    }

    /** Stops tracking for good: the tier is flushed, as the invalidations stop. */
    void stop() {
        retire();
        tier.goDark(lease, NearTier.Flush.CONNECTION_LOST);
    }

    /**
     * Stops tracking for good without flushing the tier: the node no longer owns keys (a cluster master that became a
     * replica or left), and the entries of the slots it gave up were flushed when they moved.
     */
    void retire() {
        stopped = true;
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        lease.goDark();
        Session session = current.getAndSet(null);
        if (session != null) {
            session.client().close();
        }
    }

    private void connect() {
        if (stopped) {
            return;
        }
        long startedAt = System.nanoTime();
        Redis client = clients.get();
        client.connect()
                .flatMap(this::track)
                .ifNoItem()
                .after(settings.maxSilence())
                .fail()
                .subscribe()
                .with(connection -> tracking(client, connection, startedAt), failure -> {
                    client.close(); // and with it a connection that came up after the time-out
                    // Once at WARN (e.g. a Redis user without CLIENT TRACKING), then quietly: Redis may just be down.
                    if (!warned) {
                        warned = true;
                        LOG.warnf("near tier of %s: cannot start key tracking, reads go to Redis: %s", name, failure);
                    } else {
                        LOG.debugf("near tier of %s: cannot start key tracking: %s", name, failure);
                    }
                    retryLater();
                });
    }

    // HELLO 3 so invalidations arrive as pushes on this very connection, whatever the client negotiated.
    private Uni<RedisConnection> track(RedisConnection connection) {
        connection.handler(message -> onMessage(connection, message));
        connection.exceptionHandler(failure -> lost(connection, NearTier.Flush.CONNECTION_LOST));
        connection.endHandler(() -> lost(connection, NearTier.Flush.CONNECTION_LOST));
        return connection
                .send(Request.cmd(Command.HELLO).arg(3))
                .flatMap(hello -> connection.send(
                        Request.cmd(Command.CLIENT).arg("SETNAME").arg(clientName(prefix))))
                .flatMap(named -> connection.send(Request.cmd(Command.CLIENT)
                        .arg("TRACKING")
                        .arg("ON")
                        .arg("BCAST")
                        .arg("PREFIX")
                        .arg(prefix + ":")))
                .flatMap(tracking -> connection.send(Request.cmd(Command.ROLE)))
                .map(role -> {
                    // A replica (a demoted primary, a cluster master that failed over) does not see the writes first.
                    if (!isMaster(role)) {
                        throw new IllegalStateException("the node is not a master");
                    }
                    return connection;
                });
    }

    private static boolean isMaster(Response role) {
        return role != null && role.size() > 0 && "master".equals(role.get(0).toString());
    }

    /** Whether a heartbeat is on its way (tests hold its answer back). */
    boolean awaitingHeartbeat() {
        Session session = current.get();
        return session != null && session.heartbeat().awaited() != null;
    }

    /** The name of the tracking connection in {@code CLIENT LIST}, so an operator (or a test) can find it. */
    static String clientName(String prefix) {
        return "near-tracking:" + prefix;
    }

    // Tracking was switched on after startedAt: anything written since is pushed, so the tier may serve from there.
    private void tracking(Redis client, RedisConnection connection, long startedAt) {
        if (stopped) {
            client.close();
            return;
        }
        current.set(new Session(client, connection, new TrackingHeartbeat(stalls, settings.maxSilence())));
        backoff = Duration.ofMillis(100);
        tier.goLive(lease, everLive, startedAt + leaseNanos());
        if (everLive) {
            LOG.infof("near tier of %s: tracking again, flushed", name);
        }
        everLive = true;
    }

    private void onMessage(RedisConnection connection, Response message) {
        Session session = current.get();
        if (session == null || session.connection() != connection || message == null) {
            return;
        }
        if (message.type() != ResponseType.PUSH) {
            // The client (vertx-redis-client 4.5) hands a push that arrives while a command waits for its reply the
            // command's place in the queue, and then that command's reply to this handler: the one command in flight
            // here is the heartbeat, so this is its answer.
            TrackingHeartbeat.Sent sent = session.heartbeat().awaited();
            if (sent != null) {
                answered(session, sent, message);
            }
            return;
        }
        onPush(message);
    }

    private void onPush(Response push) {
        if (push.size() < 2 || !"invalidate".equals(push.get(0).toString())) {
            return;
        }
        Response keys = push.get(1);
        if (keys == null) {
            tier.flush(NearTier.Flush.FLUSHALL);
            return;
        }
        List<String> changed = new ArrayList<>(keys.size());
        keys.forEach(key -> changed.add(key.toString()));
        tier.invalidated(changed);
    }

    private void beat() {
        Session session = current.get();
        if (session == null || stopped) {
            return;
        }
        if (session.heartbeat().silentTooLong()) {
            lost(session.connection(), NearTier.Flush.HEARTBEAT);
            return;
        }
        TrackingHeartbeat.Sent sent = session.heartbeat().next();
        if (sent == null) {
            return; // the previous one is late, not yet silent for too long: wait for it
        }
        session.connection()
                .send(Request.cmd(Command.ROLE))
                .subscribe()
                .with(
                        role -> answered(session, sent, role),
                        failure -> lost(session.connection(), NearTier.Flush.HEARTBEAT));
    }

    private void answered(Session session, TrackingHeartbeat.Sent sent, Response role) {
        if (!session.heartbeat().answered(sent) || current.get() != session) {
            return;
        }
        if (!isMaster(role)) {
            lost(session.connection(), NearTier.Flush.FAILOVER);
            return;
        }
        if (!lease.extend(sent.at() + leaseNanos())) {
            // Answered too late to renew the lease: nothing was missed, so nothing is dropped; ask again at once.
            tier.lateHeartbeat();
            beat();
        }
    }

    private long leaseNanos() {
        return settings.heartbeat().toNanos() * LEASE_HEARTBEATS;
    }

    private void lost(RedisConnection connection, NearTier.Flush reason) {
        Session session = current.get();
        if (session == null || session.connection() != connection || !current.compareAndSet(session, null)) {
            return;
        }
        tier.goDark(lease, reason);
        LOG.infof("near tier of %s: invalidations interrupted (%s), serving from Redis", name, reason.label());
        session.client().close();
        onInterrupted.run();
        retryLater();
    }

    private void retryLater() {
        if (stopped) {
            return;
        }
        Duration wait = backoff;
        backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
        vertx.setTimer(wait.toMillis(), ignored -> connect());
    }
}
