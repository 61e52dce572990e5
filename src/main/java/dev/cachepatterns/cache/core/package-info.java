/**
 * What the strategies share: the read path that loads on a miss without a stampede ({@link
 * dev.cachepatterns.cache.core.LoadOnMiss}: {@link dev.cachepatterns.cache.core.SingleFlight} in the JVM, {@link
 * dev.cachepatterns.cache.core.DistributedLock} across instances, {@link dev.cachepatterns.cache.core.FillSignals} to
 * wake waiters), the bound on database loads ({@link dev.cachepatterns.cache.core.LoadLimiter}), key naming, TTL with
 * jitter, the JSON codec, the entry format ({@link dev.cachepatterns.cache.core.EntryFormat}: values, the absent marker,
 * fences) and the metrics of the design. A service uses {@link dev.cachepatterns.cache.core.Loader} (what
 * it implements), {@link dev.cachepatterns.cache.core.EntrySettings} (what its cache settings extend) and {@link
 * dev.cachepatterns.cache.core.LoadRejectedException} (a saturated database: answer 503); everything else here is
 * {@link dev.cachepatterns.cache.Internal}.
 */
package dev.cachepatterns.cache.core;
