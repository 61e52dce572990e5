package dev.cachepatterns.cache.aside;

import java.time.Duration;
import java.util.BitSet;
import java.util.Collection;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicLong;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Policy.Eviction;

import dev.cachepatterns.cache.core.EntryFormat;
import dev.cachepatterns.cache.redis.HashSlot;

/**
 * The in-process tier of one cache-aside cache: what Redis answered for a key (the raw entry: a value or the absent
 * marker), held in Caffeine, bounded by memory (each entry weighed by {@link EntryWeigher}), optionally by entries, and
 * by age, and dropped when Redis reports the key changed ({@link KeyTracking}).
 *
 * <p>The race the Redis documentation warns about (an invalidation that overtakes the reply of a read already sent) is
 * closed with a placeholder: {@link #beforeRead} puts a {@link Pending} for the key before the read is sent, an
 * invalidation or a flush removes it, and {@link #afterRead} stores the reply only in place of that same placeholder
 * and only if no flush happened meanwhile (an epoch). A reply that lost the race is used for its own request and not
 * kept. Which tracking connection vouches for a key is its {@link Coverage}: a reply is kept only while it is live, and
 * an entry served only within the lease its last answered heartbeat granted ({@link Lease}); after that, until the next
 * answer, reads go to Redis while the entries stay.
 */
final class NearTier {

    /** Why the whole tier was dropped; the {@code reason} of {@code cache_near_flushes_total}. */
    enum Flush {
        CONNECTION_LOST("connection_lost"),
        HEARTBEAT("heartbeat"),
        FAILOVER("failover"),
        RECONNECT("reconnect"),
        FLUSHALL("flushall"),
        GENERATION("generation"),
        /** A Redis Cluster slot moved to another master: that slot's entries. */
        SLOT_MOVED("slot_moved"),
        /** A Redis Cluster master joined or left (a failover, a node added or removed): the slots it took or gave. */
        TOPOLOGY("topology");

        private final String label;

        Flush(String label) {
            this.label = label;
        }

        String label() {
            return label;
        }
    }

    /** How much a tier holds: at most {@code maxBytes} weighed, and {@code maxEntries} if set; entries age out. */
    record Bounds(long maxBytes, OptionalInt maxEntries, Duration valueAge, Duration absentAge) {}

    /** A read's claim on a key, taken before the read is sent. */
    record Ticket(String key, Pending pending) {
        static final Ticket NONE = new Ticket(null, null);
    }

    /** The placeholder of a read in flight; identity matters, not content. */
    static final class Pending {
        private final long epoch;

        private Pending(long epoch) {
            this.epoch = epoch;
        }
    }

    private static final Duration PENDING_AGE = Duration.ofSeconds(10);

    private final Cache<String, Object> entries;
    private final AtomicLong epoch = new AtomicLong();
    private final Coverage coverage;
    private final String generationKey;
    private final Runnable onGenerationChange;
    private final NearMetrics metrics;

    private NearTier(
            Cache<String, Object> entries,
            Coverage coverage,
            String generationKey,
            Runnable onGenerationChange,
            NearMetrics metrics) {
        this.entries = entries;
        this.coverage = coverage;
        this.generationKey = generationKey;
        this.onGenerationChange = onGenerationChange;
        this.metrics = metrics;
    }

    /** A tier that never holds anything: the cache has none, or it is switched off. */
    static NearTier off() {
        return new NearTier(Caffeine.newBuilder().maximumSize(0).build(), Coverage.NONE, null, () -> {}, null);
    }

    /**
     * A tier within {@code bounds} whose keys {@code coverage} vouches for. An invalidation of {@code generationKey}
     * (the whole cache moved to new keys) flushes it and runs {@code onGenerationChange}.
     */
    static NearTier create(
            String cache,
            io.micrometer.core.instrument.MeterRegistry registry,
            Bounds bounds,
            Coverage coverage,
            String generationKey,
            Runnable onGenerationChange) {
        Cache<String, Object> entries = Caffeine.newBuilder()
                .maximumWeight(bounds.maxBytes())
                .weigher(new EntryWeigher(bounds.maxBytes(), bounds.maxEntries()))
                .expireAfter(new AgeByKind(bounds.valueAge(), bounds.absentAge()))
                .build();
        Eviction<String, Object> eviction = entries.policy().eviction().orElseThrow();
        return new NearTier(
                entries,
                coverage,
                generationKey,
                onGenerationChange,
                new NearMetrics(
                        cache,
                        registry,
                        entries::estimatedSize,
                        () -> eviction.weightedSize().orElse(0)));
    }

    boolean enabled() {
        return metrics != null;
    }

    /** The raw entry held for {@code key} (a value's JSON or the absent marker), or null; null while not serving. */
    String get(String key) {
        if (!coverage.serves(key)) {
            return null;
        }
        return entries.getIfPresent(key) instanceof String raw ? raw : null;
    }

    /** Claims {@code key} for a Redis read about to be sent; its reply goes to {@link #afterRead}. */
    Ticket beforeRead(String key) {
        if (!coverage.holds(key)) {
            return Ticket.NONE;
        }
        Pending mine = new Pending(epoch.get());
        Object held = entries.asMap().putIfAbsent(key, mine);
        if (held == null) {
            return new Ticket(key, mine);
        }
        // Another read of the key is in flight: either reply may fill it, and an invalidation voids both.
        return held instanceof Pending theirs ? new Ticket(key, theirs) : Ticket.NONE;
    }

    /** The reply of the read that took {@code ticket}: kept only if nothing invalidated the key since. */
    void afterRead(Ticket ticket, String raw) {
        if (ticket.pending() == null) {
            return;
        }
        boolean keep =
                EntryFormat.answers(raw) && coverage.holds(ticket.key()) && epoch.get() == ticket.pending().epoch;
        if (keep) {
            entries.asMap().replace(ticket.key(), ticket.pending(), raw);
        } else {
            entries.asMap().remove(ticket.key(), ticket.pending());
        }
    }

    /** Drops {@code key} at once: this instance changed it in Redis. */
    void drop(String key) {
        if (enabled()) {
            entries.invalidate(key);
        }
    }

    /** Redis reported these keys changed (any writer, an expiry, an eviction). */
    void invalidated(Collection<String> keys) {
        boolean generation = false;
        for (String key : keys) {
            entries.invalidate(key);
            generation |= key.equals(generationKey);
        }
        metrics.invalidated(keys.size());
        if (generation) {
            flush(Flush.GENERATION);
            onGenerationChange.run();
        }
    }

    /** Drops everything, including reads in flight, and counts why. */
    void flush(Flush reason) {
        epoch.incrementAndGet();
        entries.invalidateAll();
        if (metrics != null) {
            metrics.flushed(reason);
        }
    }

    /**
     * Drops the entries of {@code slots} (reads in flight for them included) and counts why: a Redis Cluster slot
     * changed owner, and what was held under the former one may have missed an invalidation.
     */
    void flushSlots(BitSet slots, Flush reason) {
        entries.asMap().keySet().removeIf(key -> slots.get(HashSlot.of(key)));
        if (metrics != null) {
            metrics.flushed(reason);
        }
    }

    /**
     * Invalidations of the keys {@code lease} covers arrive from now on, and may be served until {@code until} (a
     * {@link System#nanoTime()} reading) unless a heartbeat extends it. After a reconnect everything is dropped first
     * (counted as {@code reconnect}), reads in flight included.
     */
    void goLive(Lease lease, boolean reconnected, long until) {
        if (reconnected) {
            flush(Flush.RECONNECT);
        }
        lease.goLive(until);
    }

    /** Invalidations covered by {@code lease} may be missed from now on: stop holding, and drop everything. */
    void goDark(Lease lease, Flush reason) {
        lease.goDark();
        flush(reason);
    }

    /** Whether a reply for {@code key} would be kept now (its tracking connection is live). */
    boolean holds(String key) {
        return coverage.holds(key);
    }

    /** Whether {@code key} would be served from the tier now (within its lease). */
    boolean serves(String key) {
        return coverage.serves(key);
    }

    /** A heartbeat answered after its lease had lapsed: serving paused for a while, nothing was dropped. */
    void lateHeartbeat() {
        if (metrics != null) {
            metrics.lateHeartbeat();
        }
    }

    long size() {
        entries.cleanUp();
        return entries.estimatedSize();
    }

    /** The weighed bytes held ({@code cache_near_bytes}), after pending evictions. */
    long weighedBytes() {
        entries.cleanUp();
        return entries.policy().eviction().map(e -> e.weightedSize().orElse(0)).orElse(0L);
    }

    private record AgeByKind(Duration valueAge, Duration absentAge) implements Expiry<String, Object> {

        @Override
        public long expireAfterCreate(String key, Object entry, long now) {
            Duration age =
                    entry instanceof Pending ? PENDING_AGE : EntryFormat.absent((String) entry) ? absentAge : valueAge;
            return age.toNanos();
        }

        @Override
        public long expireAfterUpdate(String key, Object entry, long now, long currentDuration) {
            // A placeholder replaced by its reply starts the entry's age.
            return expireAfterCreate(key, entry, now);
        }

        @Override
        public long expireAfterRead(String key, Object entry, long now, long currentDuration) {
            return currentDuration;
        }
    }
}
