package dev.cachepatterns.cache.aside;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisConnection;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import org.jboss.logging.Logger;

/**
 * Redis server-assisted client-side caching for one near tier: a dedicated connection in RESP3 with {@code CLIENT
 * TRACKING ON BCAST PREFIX <prefix>:}, so Redis pushes the name of every key under the prefix that anyone changes (any
 * instance, script or {@code redis-cli}; expiries and evictions too; {@code FLUSHALL} as "everything").
 *
 * <p>The tier is live only while this connection is known to work: it goes dark (and is flushed) when the connection
 * drops, when a {@code ROLE} heartbeat is not answered within its interval, or when it answers from a replica (a
 * Sentinel failover); it goes live again, flushed, once tracking is back on a new connection. Reads go to Redis while it
 * is dark.
 */
final class KeyTracking {

    private static final Logger LOG = Logger.getLogger(KeyTracking.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    private final String name;
    private final String prefix;
    private final Redis redis;
    private final Vertx vertx;
    private final Duration heartbeat;
    private final NearTier tier;
    private volatile RedisConnection current;
    private volatile boolean stopped;
    private volatile boolean everLive;
    private volatile boolean warned;
    private long timer = -1;
    private volatile Duration backoff = Duration.ofMillis(100);

    KeyTracking(String name, String prefix, Redis redis, Vertx vertx, Duration heartbeat, NearTier tier) {
        this.name = name;
        this.prefix = prefix;
        this.redis = redis;
        this.vertx = vertx;
        this.heartbeat = heartbeat;
        this.tier = tier;
    }

    void start() {
        connect();
        timer = vertx.setPeriodic(heartbeat.toMillis(), tick -> beat());
    }

    void stop() {
        stopped = true;
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        RedisConnection connection = current;
        current = null;
        tier.goDark(NearTier.Flush.CONNECTION_LOST);
        if (connection != null) {
            connection.closeAndForget();
        }
    }

    private void connect() {
        if (stopped) {
            return;
        }
        redis.connect()
                .flatMap(this::track)
                .ifNoItem()
                .after(heartbeat.multipliedBy(3))
                .fail()
                .subscribe()
                .with(this::tracking, failure -> {
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

    // HELLO 3 so invalidations arrive as pushes on this very connection, whatever the pool negotiated; SUBSCRIBE marks
    // it tainted, so the pool closes it instead of lending it out again with tracking on.
    private Uni<RedisConnection> track(RedisConnection connection) {
        connection.handler(push -> onPush(connection, push));
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
                .flatMap(on -> connection.send(Request.cmd(Command.SUBSCRIBE).arg(prefix + ":near-tracking")))
                .replaceWith(connection)
                .onFailure()
                .invoke(connection::closeAndForget);
    }

    /** The name of the tracking connection in {@code CLIENT LIST}, so an operator (or a test) can find it. */
    static String clientName(String prefix) {
        return "near-tracking:" + prefix;
    }

    private void tracking(RedisConnection connection) {
        if (stopped) {
            connection.closeAndForget();
            return;
        }
        current = connection;
        backoff = Duration.ofMillis(100);
        tier.goLive(everLive);
        if (everLive) {
            LOG.infof("near tier of %s: tracking again, flushed", name);
        }
        everLive = true;
    }

    private void onPush(RedisConnection connection, Response push) {
        if (connection != current || push == null || push.type() != ResponseType.PUSH || push.size() < 2) {
            return;
        }
        if (!"invalidate".equals(push.get(0).toString())) {
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
        RedisConnection connection = current;
        if (connection == null || stopped) {
            return;
        }
        connection
                .send(Request.cmd(Command.ROLE))
                .ifNoItem()
                .after(heartbeat)
                .fail()
                .subscribe()
                .with(
                        role -> {
                            if (role == null || !"master".equals(role.get(0).toString())) {
                                lost(connection, NearTier.Flush.FAILOVER);
                            }
                        },
                        failure -> lost(connection, NearTier.Flush.HEARTBEAT));
    }

    private void lost(RedisConnection connection, NearTier.Flush reason) {
        if (connection != current) {
            return;
        }
        current = null;
        tier.goDark(reason);
        LOG.infof("near tier of %s: invalidations interrupted (%s), serving from Redis", name, reason.label());
        connection.closeAndForget();
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
