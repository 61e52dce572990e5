package dev.cachepatterns.cache.writethrough;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Keys whose Redis entry may be older than a write this instance committed: the write could neither update nor
 * invalidate the entry. Reads of such keys bypass Redis until the entry is invalidated (a repair) or overwritten by a
 * newer version. Bounded: when full, the whole cache is untrusted for one TTL, after which every entry written before
 * the failure has expired.
 */
final class UntrustedKeys {

    private static final long NONE = Long.MIN_VALUE;

    private final int max;
    private final long overflowNanos;
    private final LongSupplier nanoClock;
    private final ConcurrentMap<String, Long> versions = new ConcurrentHashMap<>();
    private final AtomicLong allUntrustedUntil = new AtomicLong(NONE);

    UntrustedKeys(int max, long overflowNanos, LongSupplier nanoClock) {
        this.max = max;
        this.overflowNanos = overflowNanos;
        this.nanoClock = nanoClock;
    }

    /** Remembers that Redis may hold a version of {@code key} older than {@code version}. */
    void add(String key, long version) {
        if (versions.size() >= max && !versions.containsKey(key)) {
            allUntrustedUntil.set(nanoClock.getAsLong() + overflowNanos);
            return;
        }
        versions.merge(key, version, Math::max);
    }

    boolean isUntrusted(String key) {
        long until = allUntrustedUntil.get();
        if (until != NONE) {
            if (nanoClock.getAsLong() - until < 0) {
                return true;
            }
            allUntrustedUntil.compareAndSet(until, NONE);
        }
        return !versions.isEmpty() && versions.containsKey(key);
    }

    /** Redis now holds {@code version} (or newer) of {@code key}, or its entry was invalidated up to that version. */
    void repaired(String key, long version) {
        if (versions.isEmpty()) {
            return;
        }
        versions.computeIfPresent(key, (k, untrusted) -> untrusted <= version ? null : untrusted);
    }

    Map<String, Long> snapshot() {
        return Map.copyOf(versions);
    }

    int size() {
        return versions.size();
    }
}
