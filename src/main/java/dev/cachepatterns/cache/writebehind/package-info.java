/**
 * Crash-safe write-behind for counters: {@link dev.cachepatterns.cache.writebehind.WriteBehind}, built and run by
 * {@link dev.cachepatterns.cache.writebehind.WriteBehindFactory} (flush loop, shutdown drain, durability warning,
 * readiness check) with a {@link dev.cachepatterns.cache.writebehind.WriteBehindSink}, settings that extend {@link
 * dev.cachepatterns.cache.writebehind.WriteBehindSettings} and optionally the {@link
 * dev.cachepatterns.cache.writebehind.CachedCopies} of the entities. Inside: accepting ({@code IncrementQueue}), the
 * flush cycle ({@code Flusher}), the applied-id ledger ({@code AppliedLedger}), back-off ({@code FlushBackoff}), dead
 * letters and the durability probe. See {@code docs/write-behind.md}.
 */
package dev.cachepatterns.cache.writebehind;
