package dev.cachepatterns.cache.core;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.pubsub.ReactivePubSubCommands;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import org.jboss.logging.Logger;

import dev.cachepatterns.cache.Internal;
import dev.cachepatterns.cache.redis.RedisGuard;
import dev.cachepatterns.cache.redis.RedisResilienceConfig;

/**
 * Tells waiters on this instance that another instance has filled a key, so they read it at once instead of polling.
 * One pub/sub subscription per instance carries the filled keys of every cache. If the subscription is down, waiters
 * simply reach their bounded wait and load by themselves; the next wait re-subscribes.
 */
@ApplicationScoped
@Internal
public class FillSignals {

    private static final Logger LOG = Logger.getLogger(FillSignals.class);

    private final ReactivePubSubCommands<String> pubsub;
    private final RedisGuard guard;
    private final String channel;
    private final ConcurrentMap<String, CompletableFuture<Void>> waiters = new ConcurrentHashMap<>();
    private final AtomicBoolean subscribed = new AtomicBoolean();

    public FillSignals(ReactiveRedisDataSource redis, RedisGuard guard, RedisResilienceConfig config) {
        this.pubsub = redis.pubsub(String.class);
        this.guard = guard;
        this.channel = config.fillChannel();
    }

    /** Subscribes at start, so the first waiter does not race its own subscription. */
    void onStart(@Observes StartupEvent event) {
        ensureSubscribed();
    }

    /**
     * Registers interest in {@code key} now (before the caller re-reads the cache, so no fill can slip between the two)
     * and returns a Uni that completes when the key is announced or {@code maxWait} passes, whichever is first.
     */
    public Uni<Void> expect(String key, Duration maxWait) {
        ensureSubscribed();
        CompletableFuture<Void> signal = waiters.computeIfAbsent(key, k -> new CompletableFuture<>());
        return Uni.createFrom()
                .completionStage(signal)
                .ifNoItem()
                .after(maxWait)
                .recoverWithItem(() -> {
                    waiters.remove(key, signal);
                    return null;
                });
    }

    /** Announces that {@code key} now holds a value. Best effort: a lost announcement only costs a waiter its wait. */
    public Uni<Void> announce(String key) {
        return guard.call(() -> pubsub.publish(channel, key)).onFailure().recoverWithNull();
    }

    private void onMessage(String key) {
        CompletableFuture<Void> signal = waiters.remove(key);
        if (signal != null) {
            signal.complete(null);
        }
    }

    private void ensureSubscribed() {
        if (!subscribed.compareAndSet(false, true)) {
            return;
        }
        pubsub.subscribe(channel, this::onMessage, () -> subscribed.set(false), failure -> {
                    LOG.debugf("fill-signal subscription lost: %s", failure.getMessage());
                    subscribed.set(false);
                })
                .subscribe()
                .with(subscriber -> LOG.debugf("subscribed to %s", channel), failure -> {
                    LOG.debugf("cannot subscribe to %s: %s", channel, failure.getMessage());
                    subscribed.set(false);
                });
    }
}
