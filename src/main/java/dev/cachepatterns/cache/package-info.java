/**
 * The cache layer: four Redis caching strategies over a reactive source of truth, as Mutiny components with no domain
 * knowledge. A service takes this package as it is; its units (docs/units.md) only supply a loader or sink, keys and
 * settings.
 *
 * <h2>Map</h2>
 *
 * <table>
 *   <caption>Strategies: where to start, what each promises, what it does when Redis or the database fails</caption>
 *   <tr><th>Strategy</th><th>Entry (build with)</th><th>Consistency</th><th>When Redis fails</th><th>Doc</th></tr>
 *   <tr>
 *     <td>cache-aside</td>
 *     <td>{@link dev.cachepatterns.cache.aside.CacheAside} ({@link dev.cachepatterns.cache.aside.CacheAsideFactory})
 *       over a {@link dev.cachepatterns.cache.core.Loader}</td>
 *     <td>writes invalidate (and re-warm); fills are fenced, so a racing reader cannot cache the old value after an
 *       invalidation; writes that bypass the service arrive by Postgres NOTIFY ({@link
 *       dev.cachepatterns.cache.aside.SourceInvalidations}), a listener gap drops the whole cache in O(1); an
 *       optional near tier in the JVM ({@code cache.<name>.near.*}) is dropped by Redis' invalidation pushes and
 *       bypassed whenever they may be missed ({@code docs/near-cache.md})</td>
 *     <td>reads are served by the loader (fallback), invalidations are counted and left to the TTL</td>
 *     <td>{@code docs/cache-aside.md}</td>
 *   </tr>
 *   <tr>
 *     <td>write-through</td>
 *     <td>{@link dev.cachepatterns.cache.writethrough.WriteThrough}
 *       ({@link dev.cachepatterns.cache.writethrough.WriteThroughFactory}) over a versioned loader</td>
 *     <td>a write answers once Redis holds its version; versioned compare-and-set, so no read ever goes back to an
 *       older version</td>
 *     <td>the entry is invalidated, or the key is bypassed on this instance and repaired when Redis answers</td>
 *     <td>{@code docs/write-through.md}</td>
 *   </tr>
 *   <tr>
 *     <td>write-behind</td>
 *     <td>{@link dev.cachepatterns.cache.writebehind.WriteBehind}
 *       ({@link dev.cachepatterns.cache.writebehind.WriteBehindFactory}) over a
 *       {@link dev.cachepatterns.cache.writebehind.WriteBehindSink}</td>
 *     <td>increments acknowledged once durable in Redis, applied to the database in batches exactly once (ledger
 *       table; increments accepted twice with one caller-given accept id are applied once); readers add the pending
 *       deltas</td>
 *     <td>increments are committed to the database synchronously</td>
 *     <td>{@code docs/write-behind.md}</td>
 *   </tr>
 *   <tr>
 *     <td>refresh-ahead</td>
 *     <td>{@link dev.cachepatterns.cache.refreshahead.RankedSetCache}
 *       ({@link dev.cachepatterns.cache.refreshahead.RefreshAheadFactory}) over a
 *       {@link dev.cachepatterns.cache.refreshahead.RankingSource}</td>
 *     <td>hot rankings rebuilt before they expire, atomically, without losing a concurrent increment; increments
 *       applied at once</td>
 *     <td>reads are served by the source; an increment that missed Redis is in the next rebuild</td>
 *     <td>{@code docs/refresh-ahead.md}</td>
 *   </tr>
 * </table>
 *
 * <p>Shared parts: {@link dev.cachepatterns.cache.core} (load on miss, single flight, lock, fill signals, load limiter,
 * keys, TTL with jitter, codec, metrics) and {@link dev.cachepatterns.cache.redis} (the guard with its time-out and
 * circuit breaker, Lua scripts, hash-slot routing, INFO parsing).
 *
 * <h2>Why this cut</h2>
 *
 * <p>A package per strategy keeps each strategy's internals (scripts, ledger, flush loop, rebuild protocol)
 * package-private, so a strategy's public surface is only what a service calls: its entry class, its factory, its
 * settings interface and the source interface it needs. What the strategies share lives in {@code core} and {@code
 * redis}; the types there that are public only for sibling packages are marked {@link dev.cachepatterns.cache.Internal}
 * and the build fails if code outside this package uses one ({@code ArchitectureTest}). Each factory takes the one
 * {@link dev.cachepatterns.cache.core.CacheInfrastructure} bean, and each strategy runs its own lifecycle: timers,
 * shutdown drain, readiness checks and repair. Redis failures never reach a strategy's caller; source failures do,
 * unchanged.
 *
 * <p>Configuration: {@code cache.redis.*} ({@link dev.cachepatterns.cache.redis.RedisResilienceConfig}), {@code
 * cache.loads.*} ({@link dev.cachepatterns.cache.core.LoadLimitConfig}), and one section per cache whose
 * {@code @ConfigMapping} extends the strategy's settings interface. Schema: the write-behind ledger has its own
 * migration ({@code V5__write_behind_ledger.sql}). Proofs: {@code src/test/java/.../cache/**}, against test tables, with
 * no example.
 */
package dev.cachepatterns.cache;
