package dev.cachepatterns.cache.aside;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.pubsub.PgSubscriber;
import io.vertx.pgclient.PgConnectOptions;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Invalidation from the source: one Postgres connection per instance ({@link PgSubscriber}) LISTENs on the channels of
 * the caches that {@link #follow} them. A trigger on the cached table NOTIFYs the changed ids once per statement
 * ({@code "42,43"}; {@code "+42,43"} for inserted rows, of which only an "absent" marker or a fence can be stale),
 * or {@code "*"} when a statement changed too many rows to name them; so writes that do not go
 * through this service (another service, a migration, {@code psql}) reach the cache too. Ids are invalidated like a
 * service's own write (a {@code DEL}, which also revokes fences); {@code "*"} drops the whole cache in O(1) (a new key
 * generation, {@link Generations}).
 *
 * <p>A listener that was disconnected cannot know what it missed: after every reconnect it drops the whole cache of
 * each channel the same way, counted in {@code cache_generation_bumps_total{reason="reconnect"}}. The connection is
 * re-established for ever (backing off to {@value #MAX_BACKOFF_MS} ms). The service's own writes still invalidate
 * directly, so a notification of such a write is a harmless repeat.
 */
@ApplicationScoped
public class SourceInvalidations {

    private static final Logger LOG = Logger.getLogger(SourceInvalidations.class);
    private static final long MAX_BACKOFF_MS = 2000;
    private static final Duration GENERATION_REFRESH = Duration.ofSeconds(1);

    private final Vertx vertx;
    private final PgConnectOptions options;
    private final Map<String, Boolean> subscribedOnce = new ConcurrentHashMap<>();
    private PgSubscriber subscriber;

    public SourceInvalidations(
            Vertx vertx,
            @ConfigProperty(name = "quarkus.datasource.reactive.url") String url,
            @ConfigProperty(name = "quarkus.datasource.username") Optional<String> user,
            @ConfigProperty(name = "quarkus.datasource.password") Optional<String> password) {
        this.vertx = vertx;
        PgConnectOptions parsed = PgConnectOptions.fromUri(url.replaceFirst("^vertx-reactive:", ""));
        user.ifPresent(parsed::setUser);
        password.ifPresent(parsed::setPassword);
        this.options = parsed;
    }

    /**
     * Invalidates {@code cache} on every notification of {@code channel}: the ids in the payload (parsed by {@code id}),
     * or all of it for {@code "*"} and after a reconnect.
     */
    public synchronized <K> void follow(String channel, CacheAside<K, ?> cache, Function<String, K> id) {
        cache.useGenerations(vertx, GENERATION_REFRESH);
        boolean first = subscriber == null;
        if (first) {
            subscriber = PgSubscriber.subscriber(vertx, options)
                    .reconnectPolicy(retries -> Math.min(MAX_BACKOFF_MS, 100L * (retries + 1)));
        }
        subscriber
                .channel(channel)
                .subscribeHandler(() -> onSubscribed(channel, cache))
                .handler(payload -> onNotification(channel, payload, cache, id));
        if (first) {
            connect(subscriber);
        }
    }

    @PreDestroy
    synchronized void close() {
        if (subscriber != null) {
            subscriber.closeAndForget();
        }
    }

    private void connect(PgSubscriber current) {
        current.connect().subscribe().with(ok -> LOG.debugf("listening for source changes"), failure -> {
            LOG.warnf("cannot listen for source changes, retrying: %s", failure.getMessage());
            vertx.setTimer(MAX_BACKOFF_MS, tick -> connect(current));
        });
    }

    // The first LISTEN of a channel follows the cache from now on; any later one is a reconnect after a gap.
    private void onSubscribed(String channel, CacheAside<?, ?> cache) {
        if (subscribedOnce.putIfAbsent(channel, Boolean.TRUE) == null) {
            return;
        }
        LOG.infof("listener for %s reconnected: dropping the whole cache (changes may have been missed)", channel);
        flushUntilDone(cache, true, 0);
    }

    private <K> void onNotification(String channel, String payload, CacheAside<K, ?> cache, Function<String, K> id) {
        if ("*".equals(payload)) {
            flushUntilDone(cache, false, 0);
            return;
        }
        // "+" marks inserted rows: a value cached for a new id was loaded after its insert, only absence can be stale.
        boolean inserted = payload.startsWith("+");
        List<Uni<Void>> evictions = new ArrayList<>();
        for (String part : (inserted ? payload.substring(1) : payload).split(",")) {
            try {
                evictions.add(cache.invalidatedAtSource(id.apply(part.trim()), inserted));
            } catch (RuntimeException e) {
                LOG.debugf("ignoring %s in a notification on %s: %s", part, channel, e.getMessage());
            }
        }
        if (!evictions.isEmpty()) {
            Uni.join().all(evictions).andCollectFailures().subscribe().with(done -> {}, failure -> {});
        }
    }

    // A flush that cannot reach Redis is retried: the entries it must drop are still there when Redis answers again.
    private void flushUntilDone(CacheAside<?, ?> cache, boolean onReconnect, int attempt) {
        cache.flushAll(onReconnect).subscribe().with(done -> {
            if (!done) {
                vertx.setTimer(
                        Math.min(MAX_BACKOFF_MS, 100L * (attempt + 1)),
                        tick -> flushUntilDone(cache, onReconnect, attempt + 1));
            }
        });
    }
}
