package dev.cachepatterns.cache.refreshahead;

import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;
import org.jboss.logging.Logger;

import dev.cachepatterns.cache.core.CacheMetrics;
import dev.cachepatterns.cache.core.DistributedLock;
import dev.cachepatterns.cache.core.LoadLimiter;
import dev.cachepatterns.cache.core.SingleFlight;
import dev.cachepatterns.cache.core.TaggedKeys;
import dev.cachepatterns.cache.redis.RedisGuard;
import dev.cachepatterns.cache.redis.RedisUnavailableException;

/**
 * Refresh-ahead: entries that are being read are rebuilt from the source before their TTL runs out, so hot reads never
 * miss. This class decides <em>when</em> and <em>who</em> rebuilds; <em>how</em> an entry is built and swapped in is
 * the {@link Rebuild} the owner supplies ({@link RankedSetCache} builds a sorted set aside and swaps it in).
 *
 * <ul>
 *   <li><b>Read trigger</b>: a read served from Redis reports the remaining TTL it saw ({@link #onHit}); under {@code
 *       ttl × refresh-ahead-fraction} a rebuild starts in the background (fire-and-forget) and the read answers from
 *       the current entry at once.
 *   <li><b>Schedule trigger</b>: reads mark their entry hot in one sorted set ({@code <prefix>:hot}, score = last read
 *       time, written at most every {@code hot-window / 10} per entry and instance). {@link #refreshHot} (called by a
 *       non-overlapping scheduled job) rebuilds hot entries whose TTL is under {@code ttl × fraction +
 *       schedule-interval} or that are missing. Entries nobody read within {@code hot-window} are dropped from the
 *       index and simply expire.
 *   <li><b>Missing entries</b> ({@link #onMiss}): rebuilt once in the background; the caller serves the read from the
 *       source meanwhile.
 *   <li><b>Empty entries</b>: a rebuild that finds nothing (a name nobody has scored on) stores an empty entry for
 *       {@code empty-ttl} only; reads of it count as {@code negative_hit}, do not mark it hot and start no refresh, so
 *       unknown names cost no lasting state.
 *   <li><b>One rebuild at a time</b>: per entry, concurrent refreshes in this JVM share one ({@link SingleFlight}) and
 *       instances compete for a Redis lock ({@code <prefix>:{id}:lock}, {@link DistributedLock}); losers skip. The
 *       rebuild receives the lock token and must swap only while it still owns the lock (a script that checks it), so a
 *       rebuild that outlived its lease is discarded rather than overwriting a newer one.
 *   <li><b>Failures</b>: a failed rebuild is logged and counted ({@code refresh_ahead_failures_total}); the current
 *       entry stays until its TTL and the next trigger tries again. Redis failures never reach readers. An owner whose
 *       write could not reach Redis calls {@link #markDirty}; the next scheduled run rebuilds that entry.
 * </ul>
 *
 * <p>Metrics: {@code refresh_ahead_refreshes_total{cache,trigger}} counts completed rebuilds by trigger (read |
 * schedule); source calls made through {@link #load} count in {@code cache_loads_total{cache,result}}.
 */
final class RefreshAhead {

    /** What started a refresh; the {@code trigger} tag of {@code refresh_ahead_refreshes_total}. */
    enum Trigger {
        READ,
        SCHEDULE;

        String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Builds entry {@code id} aside from the source and swaps it in, only while {@code lockToken} holds the lock. */
    @FunctionalInterface
    interface Rebuild {
        /** True when the new entry was swapped in; false when the lock was lost and the build was discarded. */
        Uni<Boolean> rebuild(String id, String lockToken);
    }

    static final String LOCK = "lock";
    static final String REFRESHED_AT = "refreshed-at";

    private static final Logger LOG = Logger.getLogger(RefreshAhead.class);
    private static final int MAX_TRACKED_HOT_MARKS = 10_000;

    private final String name;
    private final RefreshAheadSettings settings;
    private final TaggedKeys keys;
    private final String hotKey;
    private final ReactiveRedisDataSource redis;
    private final RedisGuard guard;
    private final DistributedLock lock;
    private final LoadLimiter limiter;
    private final CacheMetrics metrics;
    private final Map<Trigger, Counter> refreshes;
    private final Counter failures;
    private final Counter lockBusy;
    private final long readThresholdMillis;
    private final long scheduleThresholdMillis;
    private final long hotMarkEveryMillis;
    private final SingleFlight<Boolean> flights = new SingleFlight<>();
    private final ConcurrentMap<String, Long> hotMarkedAt = new ConcurrentHashMap<>();
    private final Set<String> dirty = ConcurrentHashMap.newKeySet();
    private volatile Rebuild rebuild;

    RefreshAhead(
            String name,
            RefreshAheadSettings settings,
            ReactiveRedisDataSource redis,
            RedisGuard guard,
            DistributedLock lock,
            LoadLimiter limiter,
            MeterRegistry registry) {
        double fraction = settings.refreshAheadFraction();
        if (!(fraction > 0 && fraction < 1)) {
            throw new IllegalArgumentException("refresh-ahead-fraction must be in (0, 1), was " + fraction);
        }
        this.name = name;
        this.settings = settings;
        this.keys = new TaggedKeys(settings.keyPrefix());
        this.hotKey = keys.global("hot");
        this.redis = redis;
        this.guard = guard;
        this.lock = lock;
        this.limiter = limiter;
        this.metrics = new CacheMetrics(name, registry);
        this.refreshes = Map.of(
                Trigger.READ, refreshCounter(registry, name, Trigger.READ),
                Trigger.SCHEDULE, refreshCounter(registry, name, Trigger.SCHEDULE));
        this.failures = Counter.builder("refresh.ahead.failures")
                .description("Rebuilds that failed; the current entry stays until its TTL")
                .tag("cache", name)
                .register(registry);
        this.lockBusy = Counter.builder("refresh.ahead.lock.busy")
                .description("Refreshes skipped because another instance held the rebuild lock")
                .tag("cache", name)
                .register(registry);
        this.readThresholdMillis = Math.round(settings.ttl().toMillis() * fraction);
        this.scheduleThresholdMillis =
                readThresholdMillis + settings.scheduleInterval().toMillis();
        this.hotMarkEveryMillis =
                Math.max(1, Math.min(1000, settings.hotWindow().toMillis() / 10));
    }

    private static Counter refreshCounter(MeterRegistry registry, String cache, Trigger trigger) {
        return Counter.builder("refresh.ahead.refreshes")
                .description("Completed refresh-ahead rebuilds by trigger")
                .tags("cache", cache, "trigger", trigger.tag())
                .register(registry);
    }

    /** Sets how entries are rebuilt; called once by the owner (which usually needs this instance to build it). */
    void rebuildWith(Rebuild rebuild) {
        this.rebuild = rebuild;
    }

    TaggedKeys keys() {
        return keys;
    }

    String lockKey(String id) {
        return keys.of(id, LOCK);
    }

    /** Holds the time of the last rebuild; its TTL is the entry's TTL. */
    String refreshedAtKey(String id) {
        return keys.of(id, REFRESHED_AT);
    }

    CacheMetrics metrics() {
        return metrics;
    }

    RefreshAheadSettings settings() {
        return settings;
    }

    Duration ttl() {
        return settings.ttl();
    }

    /**
     * Serves a read: from the cached entry when Redis has it (telling the triggers how much TTL it saw left), else from
     * the source — after a Redis failure as a fallback, for an entry Redis does not hold as a miss, which starts its
     * rebuild. Redis failures never reach the caller; source failures do.
     */
    <T, R> Uni<R> read(
            String id,
            Uni<Optional<T>> cached,
            ToLongFunction<T> pttlMillis,
            Predicate<T> emptyRanking,
            Function<T, R> fromCache,
            Supplier<Uni<R>> fromSource) {
        return cached.onFailure(RedisUnavailableException.class)
                .recoverWithNull()
                .flatMap(found -> {
                    if (found == null) {
                        onFallback();
                        return fromSource.get();
                    }
                    if (found.isEmpty()) {
                        onMiss(id);
                        return fromSource.get();
                    }
                    if (emptyRanking.test(found.get())) {
                        // A name nobody has scored on: a short negative entry, neither hot nor refreshed ahead.
                        metrics.negativeHit();
                    } else {
                        onHit(id, pttlMillis.applyAsLong(found.get()));
                    }
                    return Uni.createFrom().item(fromCache.apply(found.get()));
                });
    }

    /** A read answered from Redis that saw {@code pttlMillis} left. Never blocks and never fails. */
    void onHit(String id, long pttlMillis) {
        metrics.hit();
        markHot(id);
        if (pttlMillis >= 0 && pttlMillis < readThresholdMillis) {
            refreshInBackground(id, Trigger.READ);
        }
    }

    /** A read found no entry: rebuild it once, in the background. Never blocks and never fails. */
    void onMiss(String id) {
        metrics.miss();
        markHot(id);
        refreshInBackground(id, Trigger.READ);
    }

    /** A read could not use Redis and was served from the source. */
    void onFallback() {
        metrics.fallback();
    }

    /** A write reached the source but not Redis: the entry is behind, so the next scheduled run rebuilds it. */
    void markDirty(String id) {
        dirty.add(id);
    }

    void refreshInBackground(String id, Trigger trigger) {
        refresh(id, trigger)
                .subscribe()
                .with(ignored -> {}, failure -> LOG.debugf("refresh of %s %s failed: %s", name, id, failure));
    }

    /**
     * Rebuilds {@code id} now unless a rebuild of it is already running in this JVM (then shares it) or on another
     * instance (then skips). True when a rebuild completed and was swapped in. Fails only if the rebuild failed.
     */
    Uni<Boolean> refresh(String id, Trigger trigger) {
        if (!settings.enabled()) {
            return Uni.createFrom().item(false);
        }
        return flights.run(id, () -> refreshUnderLock(id, trigger));
    }

    private Uni<Boolean> refreshUnderLock(String id, Trigger trigger) {
        Rebuild build = rebuild;
        if (build == null) {
            return Uni.createFrom().failure(new IllegalStateException("no rebuild set for " + name));
        }
        String lockKey = lockKey(id);
        return lock.tryAcquire(lockKey, settings.lockLease()).flatMap(token -> {
            if (token.isEmpty()) {
                lockBusy.increment();
                return Uni.createFrom().item(false);
            }
            // Cleared before the build reads the source: a write that fails to reach Redis from now on marks it again.
            boolean wasDirty = dirty.remove(id);
            return build.rebuild(id, token.get())
                    .onItemOrFailure()
                    .invoke((swapped, failure) -> {
                        if (failure == null && swapped) {
                            refreshes.get(trigger).increment();
                            return;
                        }
                        if (failure != null) {
                            failures.increment();
                            LOG.warnf("rebuild of %s %s failed: %s", name, id, failure.toString());
                        }
                        if (wasDirty) {
                            dirty.add(id);
                        }
                    })
                    .eventually(
                            () -> lock.release(lockKey, token.get()).onFailure().recoverWithNull());
        });
    }

    /**
     * One run of the scheduled job: rebuilds the hot entries (and the dirty ones) whose TTL is running low or that are
     * gone, one after the other. Returns how many it rebuilt. Fails only when Redis cannot be reached.
     */
    Uni<Integer> refreshHot() {
        if (!settings.enabled()) {
            return Uni.createFrom().item(0);
        }
        long since = System.currentTimeMillis() - settings.hotWindow().toMillis();
        forgetOldHotMarks(since);
        return guard.call(() -> redis.execute("ZREMRANGEBYSCORE", hotKey, "-inf", "(" + since))
                // Most recently read first, so a capped run looks at the hottest entries.
                .flatMap(removed -> guard.call(() -> redis.execute(
                        "ZRANGE",
                        hotKey,
                        "+inf",
                        "(" + since,
                        "BYSCORE",
                        "REV",
                        "LIMIT",
                        "0",
                        String.valueOf(settings.maxHotPerRun()))))
                .flatMap(hot -> refreshDue(candidates(hot)));
    }

    private Collection<String> candidates(Response hot) {
        Set<String> ids = new LinkedHashSet<>(dirty);
        if (hot != null) {
            for (Response id : hot) {
                ids.add(id.toString());
            }
        }
        return ids;
    }

    private Uni<Integer> refreshDue(Collection<String> ids) {
        return Multi.createFrom()
                .iterable(ids)
                .onItem()
                .transformToUniAndConcatenate(id -> isDue(id)
                        .flatMap(due -> due
                                ? refresh(id, Trigger.SCHEDULE)
                                : Uni.createFrom().item(false))
                        .onFailure()
                        .recoverWithItem(false))
                .filter(Boolean::booleanValue)
                .collect()
                .with(java.util.stream.Collectors.counting())
                .map(Long::intValue);
    }

    private Uni<Boolean> isDue(String id) {
        if (dirty.contains(id)) {
            return Uni.createFrom().item(true);
        }
        // PTTL as sent: the typed pttl() throws for a missing key, which the guard would count as a Redis failure.
        return guard.call(() -> redis.execute("PTTL", refreshedAtKey(id)))
                .map(Response::toLong)
                // -2: gone (expired, evicted, Redis restarted) while still being read: rebuild it now.
                .map(pttl -> pttl == -2 || (pttl >= 0 && pttl < scheduleThresholdMillis));
    }

    /** Runs a source (database) call through the load limiter and counts it in {@code cache_loads_total}. */
    <T> Uni<T> load(Supplier<Uni<T>> source) {
        return limiter.run(() -> Uni.createFrom().deferred(() -> {
            long start = System.nanoTime();
            return source.get()
                    .onItemOrFailure()
                    .invoke((item, failure) -> metrics.loaded(System.nanoTime() - start, failure == null));
        }));
    }

    private void markHot(String id) {
        long now = System.currentTimeMillis();
        Long last = hotMarkedAt.get(id);
        if (last != null && now - last < hotMarkEveryMillis) {
            return;
        }
        if (hotMarkedAt.size() >= MAX_TRACKED_HOT_MARKS) {
            hotMarkedAt.clear();
        }
        hotMarkedAt.put(id, now);
        guard.call(() -> redis.execute("ZADD", hotKey, String.valueOf(now), id))
                .subscribe()
                .with(ignored -> {}, failure -> hotMarkedAt.remove(id, now));
    }

    /** {@code id} turned out empty: the schedule must not keep rebuilding (and so keeping) a name nobody uses. */
    void forgetHot(String id) {
        hotMarkedAt.remove(id);
        guard.call(() -> redis.execute("ZREM", hotKey, id))
                .subscribe()
                .with(ignored -> {}, failure -> LOG.debugf("could not unmark %s %s: %s", name, id, failure));
    }

    private void forgetOldHotMarks(long since) {
        hotMarkedAt.entrySet().removeIf(entry -> entry.getValue() < since);
    }
}
