package dev.cachepatterns.cache.writebehind;

/**
 * What one flush (or drain) did: batches processed, increments applied to the source, entries skipped because the
 * ledger had them already (replayed after a crash), entries moved to the dead-letter stream, entries that failed and
 * stay pending, and whether the flush was deferred (backing off after a transient failure).
 */
record FlushReport(int batches, long applied, long replayed, long dead, long failed, boolean deferred) {

    static final FlushReport EMPTY = new FlushReport(0, 0, 0, 0, 0, false);
    static final FlushReport DEFERRED = new FlushReport(0, 0, 0, 0, 0, true);

    FlushReport plus(FlushReport other) {
        return new FlushReport(
                batches + other.batches,
                applied + other.applied,
                replayed + other.replayed,
                dead + other.dead,
                failed + other.failed,
                deferred || other.deferred);
    }
}
