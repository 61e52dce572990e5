package dev.cachepatterns.cache.aside;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The ids this instance read last (a lock-free ring of {@value #CAPACITY}), the auditor's sample: entries that are read
 * are the ones whose staleness matters, and sampling them needs no SCAN of the keyspace.
 */
final class RecentIds<K> {

    private static final int CAPACITY = 1024;

    private final AtomicReferenceArray<K> ring = new AtomicReferenceArray<>(CAPACITY);
    private final AtomicLong next = new AtomicLong();

    void add(K id) {
        ring.set((int) (next.getAndIncrement() % CAPACITY), id);
    }

    /** Up to {@code count} distinct ids, the most recent first. */
    List<K> latest(int count) {
        LinkedHashSet<K> picked = new LinkedHashSet<>();
        long end = next.get();
        for (long i = end - 1; i >= Math.max(0, end - CAPACITY) && picked.size() < count; i--) {
            K id = ring.get((int) (i % CAPACITY));
            if (id != null) {
                picked.add(id);
            }
        }
        return new ArrayList<>(picked);
    }
}
