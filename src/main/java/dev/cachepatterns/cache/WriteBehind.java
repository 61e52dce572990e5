package dev.cachepatterns.cache;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.hash.ReactiveHashCommands;
import io.quarkus.redis.datasource.stream.ReactiveStreamCommands;
import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.redis.datasource.stream.StreamRange;
import io.quarkus.redis.datasource.stream.XGroupCreateArgs;
import io.quarkus.redis.datasource.stream.XReadGroupArgs;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Response;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;
import org.jboss.logging.Logger;

/**
 * Crash-safe write-behind for counters: increments are acknowledged once they are durable in Redis and applied to
 * Postgres later, in batches, exactly once.
 *
 * <p>Accept: one Lua script checks the backlog bound, appends the increment to a Redis Stream (entity, field, delta and
 * a random accept id) and adds the delta to a pending-counter hash, atomically; the caller gets its 202 only after the
 * script returned, so with AOF ({@code appendfsync always} for zero loss, {@code everysec} for at most one second) an
 * accepted increment survives a crash of the app and of Redis. Readers add the pending hash to the database values.
 *
 * <p>Flush: a consumer group spreads entries over instances. A cycle re-reads this consumer's own unacknowledged
 * entries, claims ({@code XAUTOCLAIM}) entries idle longer than {@code claim-idle} at other (crashed) consumers, then
 * reads new ones, {@code batch-size} at a time. Each batch is coalesced per entity and applied in ONE Postgres
 * transaction that also inserts the accept ids into the ledger table {@code write_behind_applied}
 * ({@code ON CONFLICT DO NOTHING RETURNING id}): only entries whose id was not there yet are summed, so an entry
 * replayed after a crash between commit and acknowledgement (or applied concurrently by two flushers) is skipped —
 * increments are not idempotent, the ledger makes their application so. After the commit one script acknowledges the
 * entries and, only for entries that {@code XACK} really removed, takes the delta out of the pending hash, deletes the
 * entry and drops the cached copies of the flushed entities: decrementing is exactly-once too. The cached-copy keys must share
 * the component's hash tag (checked at start), so every script stays in one slot of a Redis Cluster.
 *
 * <p>Failures: a batch that fails because Postgres or Redis is unavailable stays pending and is retried with back-off
 * (never dead-lettered for that). A batch the sink rejects is retried one entity at a time; entries that fail
 * {@code max-tries} times, and malformed entries, go to the dead-letter stream with the reason and are counted in
 * {@code write_behind_dead_total}. When Redis is unavailable, an increment is written to Postgres at once (with its
 * accept id in the ledger, so an increment whose script did run despite a time-out is still counted once). When the
 * backlog is at {@code max-backlog}, {@code overflow} decides: 503 with Retry-After, or a synchronous write.
 *
 * <p>Ledger retention: ledger rows are pruned after {@code ledger-retention}, and never while a pending entry older
 * than half of it exists; exactly-once holds as long as an applied entry is acknowledged within that time.
 */
public final class WriteBehind {

    /** Shared by every write-behind component: accept ids are random UUIDs, so they never collide across components. */
    static final String LEDGER_TABLE = "write_behind_applied";

    public static final long MAX_DELTA = 1_000_000_000L;
    private static final Logger LOG = Logger.getLogger(WriteBehind.class);
    private static final long PRUNE_EVERY_NANOS = Duration.ofSeconds(10).toNanos();
    private static final int PRUNE_LIMIT = 100_000;
    private static final long MAX_BACKOFF_MILLIS = 5_000;

    private static final String INSERT_ONE = "INSERT INTO " + LEDGER_TABLE + " (id) VALUES ($1) ON CONFLICT DO NOTHING";
    private static final String INSERT_MANY =
            "INSERT INTO " + LEDGER_TABLE + " (id) SELECT unnest($1::uuid[]) ON CONFLICT DO NOTHING RETURNING id";
    private static final String PRUNE = "DELETE FROM " + LEDGER_TABLE + " WHERE id IN (SELECT id FROM " + LEDGER_TABLE
            + " WHERE applied_at < now() - make_interval(secs => $1) LIMIT " + PRUNE_LIMIT + ")";

    private final String name;
    private final WriteBehindSettings settings;
    private final List<String> fields;
    private final WriteBehindSink sink;
    private final Function<String, String> cachedCopyKey;
    private final Function<List<String>, Uni<Void>> rewarm;
    private final ReactiveRedisDataSource redis;
    private final ReactiveStreamCommands<String, String, String> streams;
    private final ReactiveHashCommands<String, String, String> hashes;
    private final RedisGuard guard;
    private final Pool pool;
    private final WriteBehindMetrics metrics;
    private final String stream;
    private final String pendingKey;
    private final String failuresKey;
    private final String deadKey;
    private final String consumer;

    private volatile boolean groupReady;
    // A restarted instance with a stable consumer name may still own entries.
    private volatile boolean ownPending = true;
    private volatile long backoffUntilNanos = System.nanoTime();
    private volatile int transientFailuresInRow;
    private volatile long lastPruneNanos = System.nanoTime();
    private volatile Durability lastDurability;

    WriteBehind(
            String name,
            WriteBehindSettings settings,
            List<String> fields,
            WriteBehindSink sink,
            Function<String, String> cachedCopyKey,
            Function<List<String>, Uni<Void>> rewarm,
            ReactiveRedisDataSource redis,
            RedisGuard guard,
            Pool pool,
            MeterRegistry registry) {
        CacheKeys keys = new CacheKeys(settings.keyPrefix());
        if (fields.isEmpty()) {
            throw new IllegalArgumentException("a write-behind component needs at least one field");
        }
        fields.forEach(keys::value);
        if (settings.batchSize() < 1 || settings.maxTries() < 1 || settings.maxBacklog() < 1) {
            throw new IllegalArgumentException("batch-size, max-tries and max-backlog must be positive");
        }
        this.name = name;
        this.settings = settings;
        this.fields = List.copyOf(fields);
        this.sink = sink;
        this.cachedCopyKey = cachedCopyKey;
        this.rewarm = rewarm;
        this.redis = redis;
        this.streams = redis.stream(String.class, String.class, String.class);
        this.hashes = redis.hash(String.class, String.class, String.class);
        this.guard = guard;
        this.pool = pool;
        this.metrics = new WriteBehindMetrics(name, registry);
        this.stream = keys.value("stream");
        this.pendingKey = keys.value("pending");
        this.failuresKey = keys.value("failures");
        this.deadKey = keys.value("dead");
        this.consumer = settings.consumerName().orElseGet(WriteBehind::defaultConsumerName);
        requireSameSlot(cachedCopyKey, stream);
    }

    /**
     * The acknowledgement script drops the cached copies together with the pending deltas, so their keys must live in
     * the slot of the stream: on a Redis Cluster a script may only touch one slot. Checked at start (on a single Redis
     * too), so a configuration that works locally cannot fail with CROSSSLOT on a cluster.
     */
    static void requireSameSlot(Function<String, String> cachedCopyKey, String stream) {
        if (cachedCopyKey == null) {
            return;
        }
        int slot = HashSlot.of(stream);
        for (String probe : List.of("a", "probe", "some-entity-1", "z9")) {
            String key = cachedCopyKey.apply(probe);
            if (HashSlot.of(key) != slot) {
                throw new IllegalArgumentException("cached-copy key " + key + " is not in the hash slot of " + stream
                        + ": give both key prefixes the same hash tag (e.g. cp:{posts} and cp:wb:{posts})");
            }
        }
    }

    /** The outcome of an increment: queued in Redis (with the entity's pending deltas), or written to the database. */
    public record Accepted(boolean queued, Map<String, Long> pending) {}

    /** What one flush (or drain) did. */
    public record FlushReport(int batches, long applied, long replayed, long dead, long failed, boolean deferred) {
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

    /** Whether the Redis behind this component keeps what it accepted; see {@link #durability()}. */
    public record Durability(String evictionPolicy, boolean evictionSafe, boolean appendOnly) {}

    // --- accepting ---------------------------------------------------------------------------------------------------

    /**
     * Adds {@code delta} to {@code field} of {@code entity}. Completes once the increment is durable: queued in Redis
     * (the usual case) or, when Redis is unavailable or the backlog is full with overflow = synchronous, committed to
     * Postgres. Fails with {@link WriteBehindRejectedException} when the backlog is full with overflow = reject.
     */
    public Uni<Accepted> increment(String entity, String field, long delta) {
        requireEntity(entity);
        if (!fields.contains(field)) {
            throw new IllegalArgumentException("unknown field '" + field + "'");
        }
        if (delta == 0 || Math.abs(delta) > MAX_DELTA) {
            throw new IllegalArgumentException("delta must be non-zero and at most " + MAX_DELTA + " in size");
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        UUID acceptId = new UUID(random.nextLong(), random.nextLong());
        List<String> args = new ArrayList<>(5 + fields.size());
        args.add(Long.toString(settings.maxBacklog()));
        args.add(entity);
        args.add(field);
        args.add(Long.toString(delta));
        args.add(acceptId.toString());
        args.addAll(fields);
        return guard.call(() -> WriteBehindScripts.ACCEPT.run(redis, List.of(stream, pendingKey), args))
                .flatMap(reply -> {
                    if (reply.get(0).toInteger() == 1) {
                        Map<String, Long> pending = new LinkedHashMap<>();
                        for (int i = 0; i < fields.size(); i++) {
                            pending.put(
                                    fields.get(i), parseLong(reply.get(2 + i).toString()));
                        }
                        return Uni.createFrom().item(new Accepted(true, pending));
                    }
                    return overflow(entity, field, delta, acceptId, reply.get(1).toLong());
                })
                .onFailure(RedisUnavailableException.class)
                .recoverWithUni(failure -> {
                    LOG.debugf("%s: Redis unavailable (%s), writing %s.%s synchronously", name, failure, entity, field);
                    return writeNow(entity, field, delta, acceptId);
                });
    }

    /** The accepted but unflushed deltas of {@code entity} per field; empty when Redis cannot be reached. */
    public Uni<Map<String, Long>> pending(String entity) {
        requireEntity(entity);
        String[] hashFields = fields.stream().map(f -> entity + ':' + f).toArray(String[]::new);
        return guard.call(() -> hashes.hmget(pendingKey, hashFields))
                .map(found -> {
                    Map<String, Long> pending = new LinkedHashMap<>();
                    for (int i = 0; i < fields.size(); i++) {
                        pending.put(fields.get(i), parseLong(found.get(hashFields[i])));
                    }
                    return pending;
                })
                .onFailure(RedisUnavailableException.class)
                .recoverWithItem(Map.of());
    }

    private Uni<Accepted> overflow(String entity, String field, long delta, UUID acceptId, long backlog) {
        if (settings.overflow() == WriteBehindSettings.Overflow.SYNCHRONOUS) {
            return writeNow(entity, field, delta, acceptId);
        }
        metrics.rejected();
        return Uni.createFrom()
                .failure(new WriteBehindRejectedException(
                        "The write-behind backlog holds " + backlog + " entries, its bound; retry shortly.",
                        settings.retryAfter()));
    }

    private Uni<Accepted> writeNow(String entity, String field, long delta, UUID acceptId) {
        return pool.withTransaction(tx -> tx.preparedQuery(INSERT_ONE)
                        .execute(Tuple.of(acceptId))
                        .flatMap(rows -> rows.rowCount() == 0
                                ? Uni.createFrom().voidItem()
                                : sink.apply(tx, Map.of(entity, Map.of(field, delta)))))
                .invoke(metrics::synchronous)
                .call(() -> dropCachedCopy(entity))
                .map(ignored -> new Accepted(false, Map.of()));
    }

    private Uni<Void> dropCachedCopy(String entity) {
        if (cachedCopyKey == null) {
            return Uni.createFrom().voidItem();
        }
        return guard.call(() -> redis.key(String.class).del(cachedCopyKey.apply(entity)))
                .replaceWithVoid()
                .onFailure()
                .recoverWithNull();
    }

    // --- flushing ----------------------------------------------------------------------------------------------------

    /**
     * One flush cycle: own unacknowledged entries, then entries claimed from idle consumers, then new entries, up to
     * {@code max-batches-per-cycle} batches. Never fails: trouble is logged, counted and retried later.
     */
    public Uni<FlushReport> flush() {
        if (System.nanoTime() - backoffUntilNanos < 0) {
            return Uni.createFrom().item(FlushReport.DEFERRED);
        }
        return ensureGroup()
                .flatMap(ignored -> drainBatches(true, settings.maxBatchesPerCycle(), FlushReport.EMPTY))
                .call(report -> report.deferred() ? Uni.createFrom().voidItem() : pruneLedgerIfDue())
                .invoke(report -> {
                    if (!report.deferred()) {
                        transientFailuresInRow = 0;
                    }
                })
                .onFailure()
                .recoverWithItem(failure -> {
                    backOff(failure);
                    return FlushReport.DEFERRED;
                });
    }

    /** Flush cycles back to back until the stream is empty, a cycle is deferred, or {@code bound} has passed. */
    public Uni<FlushReport> drain(Duration bound) {
        long deadline = System.nanoTime() + bound.toNanos();
        backoffUntilNanos = System.nanoTime();
        return drainUntil(deadline, FlushReport.EMPTY).ifNoItem().after(bound).recoverWithItem(FlushReport.DEFERRED);
    }

    private Uni<FlushReport> drainUntil(long deadline, FlushReport sofar) {
        return flush().flatMap(report -> {
            FlushReport total = sofar.plus(report);
            if (report.batches() == 0 || report.deferred() || report.failed() > 0 || System.nanoTime() > deadline) {
                return Uni.createFrom().item(total);
            }
            return drainUntil(deadline, total);
        });
    }

    /** Updates {@code write_behind_pending} and {@code write_behind_lag_seconds} from the stream. Never fails. */
    public Uni<Void> measure() {
        return guard.call(() -> streams.xlen(stream))
                .flatMap(length -> length == 0
                        ? Uni.createFrom().item(new long[] {0, 0})
                        : guard.call(() -> streams.xrange(stream, new StreamRange("-", "+"), 1))
                                .map(first -> new long[] {
                                    length,
                                    first.isEmpty() ? 0 : ageMillis(first.get(0).id())
                                }))
                .invoke(backlog -> metrics.backlog(backlog[0], backlog[1]))
                .replaceWithVoid()
                .onFailure()
                .recoverWithNull();
    }

    private Uni<Void> ensureGroup() {
        if (groupReady) {
            return Uni.createFrom().voidItem();
        }
        return guard.call(() -> streams.xgroupCreate(
                                stream, settings.consumerGroup(), "0", new XGroupCreateArgs().mkstream())
                        .onFailure(
                                failure -> String.valueOf(failure.getMessage()).contains("BUSYGROUP"))
                        .recoverWithNull())
                .invoke(() -> groupReady = true);
    }

    private enum Source {
        OWN,
        CLAIMED,
        NEW
    }

    private record Batch(Source source, List<StreamMessage<String, String, String>> messages, long readAtNanos) {}

    private Uni<FlushReport> drainBatches(boolean first, int left, FlushReport sofar) {
        return nextBatch(first).flatMap(batch -> {
            if (batch.messages().isEmpty()) {
                return Uni.createFrom().item(sofar);
            }
            return process(batch).flatMap(result -> {
                FlushReport total = sofar.plus(result);
                boolean more = batch.source() != Source.NEW || batch.messages().size() >= settings.batchSize();
                if (result.deferred() || result.failed() > 0 || !more || left <= 1) {
                    return Uni.createFrom().item(total);
                }
                return drainBatches(false, left - 1, total);
            });
        });
    }

    private Uni<Batch> nextBatch(boolean claimAllowed) {
        Uni<List<StreamMessage<String, String, String>>> own =
                ownPending ? read("0") : Uni.createFrom().item(List.of());
        return own.flatMap(mine -> {
            if (!mine.isEmpty()) {
                return Uni.createFrom().item(new Batch(Source.OWN, mine, System.nanoTime()));
            }
            ownPending = false;
            Uni<List<StreamMessage<String, String, String>>> claimed =
                    claimAllowed ? claim() : Uni.createFrom().item(List.of());
            return claimed.flatMap(taken -> taken.isEmpty()
                    ? read(">").map(fresh -> new Batch(Source.NEW, fresh, System.nanoTime()))
                    : Uni.createFrom().item(new Batch(Source.CLAIMED, taken, System.nanoTime())));
        });
    }

    private Uni<List<StreamMessage<String, String, String>>> read(String from) {
        return guard.call(() -> streams.xreadgroup(
                                settings.consumerGroup(),
                                consumer,
                                stream,
                                from,
                                new XReadGroupArgs().count(settings.batchSize()))
                        .onFailure()
                        .invoke(this::forgetGroupIfMissing))
                .map(WriteBehind::present);
    }

    private Uni<List<StreamMessage<String, String, String>>> claim() {
        return guard.call(() -> streams.xautoclaim(
                                stream,
                                settings.consumerGroup(),
                                consumer,
                                settings.claimIdle(),
                                "0-0",
                                settings.batchSize())
                        .onFailure()
                        .invoke(this::forgetGroupIfMissing))
                .map(claimed -> {
                    List<StreamMessage<String, String, String>> messages = present(claimed.getMessages());
                    if (!messages.isEmpty()) {
                        LOG.infof(
                                "%s: claimed %d entries idle for over %s", name, messages.size(), settings.claimIdle());
                    }
                    return messages;
                });
    }

    private void forgetGroupIfMissing(Throwable failure) {
        if (String.valueOf(failure.getMessage()).contains("NOGROUP")) {
            groupReady = false;
        }
    }

    private static List<StreamMessage<String, String, String>> present(
            List<StreamMessage<String, String, String>> messages) {
        if (messages == null) {
            return List.of();
        }
        return messages.stream().filter(m -> m != null && m.id() != null).toList();
    }

    private Uni<FlushReport> process(Batch batch) {
        List<Entry> entries = new ArrayList<>(batch.messages().size());
        List<String> malformed = new ArrayList<>();
        for (StreamMessage<String, String, String> message : batch.messages()) {
            Entry entry = parse(message);
            if (entry == null) {
                malformed.add(message.id());
            } else {
                entries.add(entry);
            }
        }
        Uni<Long> dead = malformed.isEmpty() ? Uni.createFrom().item(0L) : deadLetter(malformed, "malformed entry");
        return dead.flatMap(deadCount -> {
            FlushReport deadReport = new FlushReport(1, 0, 0, deadCount, 0, false);
            if (entries.isEmpty()) {
                return Uni.createFrom().item(deadReport);
            }
            return applyAndAck(entries, batch.readAtNanos())
                    .onFailure()
                    .recoverWithUni(failure -> afterFailure(entries, failure))
                    .map(deadReport::plus);
        });
    }

    private Uni<FlushReport> applyAndAck(List<Entry> entries, long readAtNanos) {
        return applyInTransaction(entries, readAtNanos)
                .flatMap(applied -> ack(entries).call(() -> rewarm(entries)).map(acked -> {
                    int replayed = entries.size() - applied;
                    if (replayed > 0) {
                        LOG.infof("%s: skipped %d entries already applied (replayed after a crash)", name, replayed);
                    }
                    return new FlushReport(0, applied, replayed, 0, 0, false);
                }));
    }

    // The acknowledgement dropped the flushed entities' cached copies; load them again (one bulk read) so the next
    // increments hit. Never fails the flush: a copy that is not back is loaded by its next read.
    private Uni<Void> rewarm(List<Entry> entries) {
        if (rewarm == null) {
            return Uni.createFrom().voidItem();
        }
        List<String> entities = entries.stream().map(Entry::entity).distinct().toList();
        return Uni.createFrom()
                .deferred(() -> rewarm.apply(entities))
                .onFailure()
                .invoke(failure ->
                        LOG.debugf("%s: re-warming %d cached copies failed: %s", name, entities.size(), failure))
                .onFailure()
                .recoverWithNull();
    }

    private Uni<Integer> applyInTransaction(List<Entry> entries, long readAtNanos) {
        UUID[] ids = entries.stream().map(Entry::acceptId).toArray(UUID[]::new);
        return pool.withTransaction(tx -> {
                    // A batch held longer than flush-timeout may have been claimed and acknowledged elsewhere;
                    // applying it could race the ledger's pruning, so it is left to whoever owns it now.
                    if (System.nanoTime() - readAtNanos
                            > settings.flushTimeout().toNanos()) {
                        return Uni.createFrom().failure(new StaleBatchException());
                    }
                    return tx.preparedQuery(INSERT_MANY).execute(Tuple.of(ids)).flatMap(rows -> {
                        Set<UUID> fresh = new HashSet<>();
                        for (Row row : rows) {
                            fresh.add(row.getUUID(0));
                        }
                        Map<String, Map<String, Long>> deltas = coalesce(entries, fresh);
                        return deltas.isEmpty()
                                ? Uni.createFrom().item(fresh.size())
                                : sink.apply(tx, deltas).replaceWith(fresh.size());
                    });
                })
                .ifNoItem()
                .after(settings.flushTimeout())
                .fail()
                .invoke(applied -> metrics.flushed(applied));
    }

    private static Map<String, Map<String, Long>> coalesce(List<Entry> entries, Set<UUID> fresh) {
        // Sorted, so concurrent flushers touch rows in the same order.
        Map<String, Map<String, Long>> deltas = new TreeMap<>();
        for (Entry entry : entries) {
            if (fresh.contains(entry.acceptId())) {
                deltas.computeIfAbsent(entry.entity(), e -> new TreeMap<>())
                        .merge(entry.field(), entry.delta(), Long::sum);
            }
        }
        deltas.values().forEach(byField -> byField.values().removeIf(sum -> sum == 0));
        deltas.values().removeIf(Map::isEmpty);
        return deltas;
    }

    private Uni<Long> ack(List<Entry> entries) {
        List<String> keys = new ArrayList<>(List.of(stream, pendingKey, failuresKey));
        if (cachedCopyKey != null) {
            entries.stream().map(Entry::entity).distinct().map(cachedCopyKey).forEach(keys::add);
        }
        List<String> args = new ArrayList<>(entries.size() + 1);
        args.add(settings.consumerGroup());
        entries.forEach(entry -> args.add(entry.streamId()));
        return guard.call(() -> WriteBehindScripts.ACK.run(redis, keys, args)).map(Response::toLong);
    }

    private Uni<FlushReport> afterFailure(List<Entry> entries, Throwable failure) {
        ownPending = true;
        if (isTransient(failure)) {
            backOff(failure);
            return Uni.createFrom().item(FlushReport.DEFERRED);
        }
        Map<String, List<Entry>> byEntity = new TreeMap<>();
        entries.forEach(entry ->
                byEntity.computeIfAbsent(entry.entity(), e -> new ArrayList<>()).add(entry));
        if (byEntity.size() == 1) {
            return countFailures(entries, failure);
        }
        // One entity the sink rejects must not hold back the others: retry each on its own.
        LOG.warnf("%s: a batch of %d entries failed (%s); retrying per entity", name, entries.size(), failure);
        return Multi.createFrom()
                .iterable(byEntity.values())
                .onItem()
                .transformToUniAndConcatenate(group -> applyAndAck(group, System.nanoTime())
                        .onFailure()
                        .recoverWithUni(alone -> isTransient(alone)
                                ? Uni.createFrom().item(FlushReport.DEFERRED)
                                : countFailures(group, alone)))
                .collect()
                .asList()
                .map(reports -> reports.stream().reduce(FlushReport.EMPTY, FlushReport::plus));
    }

    private Uni<FlushReport> countFailures(List<Entry> entries, Throwable failure) {
        LOG.warnf(
                "%s: %d entries of %s failed to apply: %s",
                name, entries.size(), entries.get(0).entity(), failure);
        List<String> ids = entries.stream().map(Entry::streamId).toList();
        return guard.call(() -> WriteBehindScripts.COUNT_FAILURES.run(redis, List.of(failuresKey), ids))
                .flatMap(counts -> {
                    List<String> exhausted = new ArrayList<>();
                    for (int i = 0; i < ids.size(); i++) {
                        if (counts.get(i).toLong() >= settings.maxTries()) {
                            exhausted.add(ids.get(i));
                        }
                    }
                    FlushReport failed = new FlushReport(0, 0, 0, 0, entries.size(), false);
                    if (exhausted.isEmpty()) {
                        return Uni.createFrom().item(failed);
                    }
                    String reason = "failed " + settings.maxTries() + " times: " + failure;
                    return deadLetter(exhausted, reason.length() > 500 ? reason.substring(0, 500) : reason)
                            .map(dead -> new FlushReport(0, 0, 0, dead, entries.size(), false));
                })
                .onFailure()
                .recoverWithItem(FlushReport.DEFERRED);
    }

    private Uni<Long> deadLetter(List<String> ids, String reason) {
        List<String> args = new ArrayList<>(ids.size() + 2);
        args.add(settings.consumerGroup());
        args.add(reason);
        args.addAll(ids);
        return guard.call(() -> WriteBehindScripts.DEAD_LETTER.run(
                        redis, List.of(stream, pendingKey, failuresKey, deadKey), args))
                .map(Response::toLong)
                .invoke(moved -> {
                    metrics.dead(moved);
                    if (moved > 0) {
                        LOG.errorf(
                                "%s: moved %d entries to the dead-letter stream %s: %s", name, moved, deadKey, reason);
                    }
                });
    }

    private Uni<Void> pruneLedgerIfDue() {
        long now = System.nanoTime();
        if (now - lastPruneNanos < PRUNE_EVERY_NANOS) {
            return Uni.createFrom().voidItem();
        }
        lastPruneNanos = now;
        long retentionMillis = settings.ledgerRetention().toMillis();
        return guard.call(() -> streams.xpending(stream, settings.consumerGroup()))
                .flatMap(summary -> {
                    if (summary.getPendingCount() > 0
                            && summary.getLowestId() != null
                            && ageMillis(summary.getLowestId()) > retentionMillis / 2) {
                        LOG.warnf("%s: not pruning the ledger while entry %s is pending", name, summary.getLowestId());
                        return Uni.createFrom().voidItem();
                    }
                    return pool.preparedQuery(PRUNE)
                            .execute(Tuple.of(retentionMillis / 1000.0))
                            .replaceWithVoid();
                })
                .onFailure()
                .recoverWithNull();
    }

    private void backOff(Throwable failure) {
        int failures = Math.min(transientFailuresInRow + 1, 16);
        transientFailuresInRow = failures;
        long millis = Math.min(MAX_BACKOFF_MILLIS, 100L << Math.min(failures, 10));
        backoffUntilNanos = System.nanoTime() + millis * 1_000_000;
        if (failures == 1) {
            LOG.warnf("%s: flush deferred, will retry: %s", name, failure.toString());
        } else {
            LOG.debugf("%s: flush deferred again (%d in a row): %s", name, failures, failure.toString());
        }
    }

    /** Postgres or Redis unavailable, time-outs, conflicts: retried, never counted as a try of the entry. */
    static boolean isTransient(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof PgException pg) {
                String state = pg.getSqlState();
                return state == null
                        || state.startsWith("08")
                        || state.startsWith("53")
                        || state.startsWith("57")
                        || state.startsWith("58")
                        || state.equals("40001")
                        || state.equals("40P01");
            }
            if (t instanceof IllegalArgumentException
                    || t instanceof IllegalStateException
                    || t instanceof ArithmeticException
                    || t instanceof ClassCastException
                    || t instanceof NullPointerException) {
                return false;
            }
        }
        return true;
    }

    // --- durability check --------------------------------------------------------------------------------------------

    /**
     * Reads {@code maxmemory_policy} and {@code aof_enabled} from INFO (works where CONFIG is disabled). A policy that
     * may evict keys without a TTL ({@code allkeys-*}) could drop accepted increments.
     */
    public Uni<Durability> durability() {
        return guard.call(() -> redis.execute(Command.INFO, "memory"))
                .flatMap(memory -> guard.call(() -> redis.execute(Command.INFO, "persistence"))
                        .map(persistence -> {
                            String policy = infoField(memory.toString(), "maxmemory_policy");
                            boolean aof = "1".equals(infoField(persistence.toString(), "aof_enabled"));
                            return new Durability(policy, !policy.startsWith("allkeys"), aof);
                        }))
                .invoke(durability -> lastDurability = durability)
                // While Redis does not answer, the last answer still describes the server.
                .onFailure()
                .recoverWithUni(failure -> lastDurability == null
                        ? Uni.createFrom().failure(failure)
                        : Uni.createFrom().item(lastDurability));
    }

    public WriteBehindSettings settings() {
        return settings;
    }

    public String streamKey() {
        return stream;
    }

    public String pendingKey() {
        return pendingKey;
    }

    public String deadLetterKey() {
        return deadKey;
    }

    public String consumerName() {
        return consumer;
    }

    private static String infoField(String info, String field) {
        for (String line : info.split("\r?\n")) {
            if (line.startsWith(field + ":")) {
                return line.substring(field.length() + 1).trim();
            }
        }
        return "unknown";
    }

    // --- entries -----------------------------------------------------------------------------------------------------

    private record Entry(String streamId, UUID acceptId, String entity, String field, long delta) {}

    private Entry parse(StreamMessage<String, String, String> message) {
        Map<String, String> payload = message.payload();
        if (payload == null) {
            return null;
        }
        try {
            String entity = payload.get("e");
            String field = payload.get("f");
            long delta = Long.parseLong(payload.get("d"));
            UUID acceptId = UUID.fromString(payload.get("id"));
            requireEntity(entity);
            if (!fields.contains(field) || delta == 0 || Math.abs(delta) > MAX_DELTA) {
                return null;
            }
            return new Entry(message.id(), acceptId, entity, field, delta);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static void requireEntity(String entity) {
        if (entity == null) {
            throw new IllegalArgumentException("entity is required");
        }
        new CacheKeys("x").value(entity);
    }

    private static long parseLong(String value) {
        if (value == null || value.isEmpty()) {
            return 0;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static long ageMillis(String streamId) {
        int dash = streamId.indexOf('-');
        try {
            long millis = Long.parseLong(dash < 0 ? streamId : streamId.substring(0, dash));
            return System.currentTimeMillis() - millis;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static String defaultConsumerName() {
        String host = System.getenv().getOrDefault("HOSTNAME", "app").replaceAll("[^A-Za-z0-9_.-]", "");
        return (host.isEmpty() ? "app" : host) + "-" + ProcessHandle.current().pid() + "-"
                + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));
    }

    private static final class StaleBatchException extends RuntimeException {
        StaleBatchException() {
            super("batch held longer than flush-timeout; left to its current owner", null, false, false);
        }
    }

    /** For log lines and tests. */
    @Override
    public String toString() {
        return "WriteBehind[" + name + ", stream " + stream + ", consumer " + consumer + "]";
    }
}
