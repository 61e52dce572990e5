package dev.cachepatterns.cache.aside;

import java.time.Duration;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.value.ReactiveValueCommands;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import org.jboss.logging.Logger;

import dev.cachepatterns.cache.core.CacheKeys;
import dev.cachepatterns.cache.core.CacheMetrics;
import dev.cachepatterns.cache.redis.RedisGuard;

/**
 * The key generation of one cache, so the whole cache can be invalidated in O(1): {@link #bump} increments the
 * generation in Redis ({@code INCR}), every value key contains it, and the entries of older generations are never read
 * again and expire with their TTL (no SCAN, no KEYS). Only a cache that follows its source's change notifications uses
 * it ({@link SourceInvalidations}); until then its generation is 0 and its keys are the plain {@code <prefix>:<id>}.
 *
 * <p>Every instance reads the generation before its first use of the cache and again every {@code refresh}, so the
 * others move to a bumped generation within that interval; until an instance knows the generation it serves reads from
 * the source. While two instances use different generations, each one's change listener still invalidates the keys it
 * reads.
 */
final class Generations {

    private static final Logger LOG = Logger.getLogger(Generations.class);
    private static final long UNKNOWN = -1;

    private final String key;
    private final ReactiveValueCommands<String, Long> values;
    private final RedisGuard guard;
    private final CacheMetrics metrics;
    private volatile boolean followed;
    private volatile long current = UNKNOWN;

    Generations(String prefix, ReactiveRedisDataSource redis, RedisGuard guard, CacheMetrics metrics) {
        this.key = new CacheKeys(prefix).generation();
        this.values = redis.value(Long.class);
        this.guard = guard;
        this.metrics = metrics;
    }

    /** The generation in the value keys: 0 for a cache that does not follow its source. */
    long current() {
        return followed ? Math.max(0, current) : 0;
    }

    /** Whether keys can be rendered now; false only for a followed cache whose generation was never read. */
    boolean known() {
        return !followed || current != UNKNOWN;
    }

    /** Starts using generations: reads the current one now and every {@code refresh}. */
    void follow(Vertx vertx, Duration refresh) {
        if (followed) {
            return;
        }
        followed = true;
        refresh().subscribe().with(ok -> {}, failure -> {});
        vertx.setPeriodic(
                Math.max(100, refresh.toMillis()), tick -> refresh().subscribe().with(ok -> {}, failure -> {}));
    }

    /** Reads the generation from Redis; true when it is known afterwards. Never fails. */
    Uni<Boolean> refresh() {
        return guard.call(() -> values.get(key))
                .map(stored -> {
                    // Only forward: a GET sent before this instance's own INCR answers the older generation. A Redis
                    // that lost the key (restarted empty) lost the entries too, so generation 0 is as good then.
                    long read = stored == null ? 0 : stored;
                    if (stored == null || read > current) {
                        current = read;
                    }
                    return true;
                })
                .onFailure()
                .recoverWithItem(() -> current != UNKNOWN);
    }

    /** Drops every entry of the cache at once by moving all instances to a new generation. Never fails. */
    Uni<Boolean> bump(boolean onReconnect) {
        return guard.call(() -> values.incr(key))
                .map(next -> {
                    current = next;
                    metrics.generationBumped(onReconnect);
                    return true;
                })
                .onFailure()
                .invoke(failure -> LOG.warnf("cannot move %s to a new generation: %s", key, failure.getMessage()))
                .onFailure()
                .recoverWithItem(false);
    }
}
