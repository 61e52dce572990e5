package dev.cachepatterns.cache.aside;

import java.util.Optional;

/**
 * The heap that all near tiers of this JVM may take together, against a safe share of the maximum heap: beyond a
 * quarter, a full tier leaves the rest of the service too little old generation (with {@code -Xmx192m} and an entry
 * bound of 100k users the tier alone filled 74 % of it, and the service ran full collections of about 100 ms each).
 */
final class HeapBudget {

    static final int SAFE_PERCENT = 25;

    private final long maxHeap;
    private long committed;
    private boolean warned;

    HeapBudget(long maxHeap) {
        this.maxHeap = maxHeap;
    }

    /** Counts a tier's bound; a warning the first time all tiers together may take more than the safe share. */
    synchronized Optional<String> add(String name, long bytes) {
        committed += bytes;
        if (warned || committed * 100 <= maxHeap * SAFE_PERCENT) {
            return Optional.empty();
        }
        warned = true;
        return Optional.of(String.format(
                "the near tiers may take %d MB of heap together (with %s's), more than %d%% of the maximum heap"
                        + " (%d MB): lower cache.<name>.near.max-memory or give the JVM more heap (docs/near-cache.md)",
                committed >> 20, name, SAFE_PERCENT, maxHeap >> 20));
    }
}
