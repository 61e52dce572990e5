package dev.cachepatterns.cache.writebehind;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;

import io.quarkus.redis.datasource.stream.ReactiveStreamCommands;
import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.redis.datasource.stream.XGroupCreateArgs;
import io.quarkus.redis.datasource.stream.XReadGroupArgs;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;
import org.jboss.logging.Logger;

import dev.cachepatterns.cache.redis.LuaScript;
import dev.cachepatterns.cache.redis.RedisGuard;

/**
 * The flushing side of write-behind. A consumer group spreads entries over instances. A cycle re-reads this consumer's
 * own unacknowledged entries, claims ({@code XAUTOCLAIM}) entries idle longer than {@code claim-idle} at other
 * (crashed) consumers, then reads new ones, {@code batch-size} at a time. Each batch is coalesced per entity and applied
 * in ONE Postgres transaction that also records the accept ids in the {@link AppliedLedger}: only entries it did not hold
 * yet are summed. After the commit one script acknowledges the entries and, only for entries that {@code XACK} really
 * removed, takes their delta out of the pending hash, deletes them and drops the cached copies of the flushed entities,
 * which are then loaded again (one bulk read) so the next increments hit the cache.
 *
 * <p>A batch that fails transiently stays pending and is retried after a back-off ({@link FlushBackoff}); one the sink
 * rejects is retried one entity at a time, and entries that keep failing are dead-lettered ({@link DeadLetters}).
 */
final class Flusher {

    private static final Logger LOG = Logger.getLogger(Flusher.class);
    private static final LuaScript ACK = LuaScript.load(Flusher.class, "take-out-of-pending.lua", "ack.lua");

    private enum Source {
        OWN,
        CLAIMED,
        NEW
    }

    private record Batch(Source source, List<StreamMessage<String, String, String>> messages, long readAtNanos) {}

    private final Component component;
    private final WriteBehindSettings settings;
    private final StreamKeys keys;
    private final WriteBehindSink sink;
    private final CachedCopies copies;
    private final ReactiveStreamCommands<String, String, String> streams;
    private final RedisGuard guard;
    private final AppliedLedger ledger;
    private final DeadLetters deadLetters;
    private final FlushBackoff backoff;
    private final String consumer;

    private volatile boolean groupReady;
    // A restarted instance with a stable consumer name may still own entries.
    private volatile boolean ownPending = true;

    Flusher(
            Component component,
            WriteBehindSink sink,
            CachedCopies copies,
            AppliedLedger ledger,
            DeadLetters deadLetters,
            String consumer) {
        this.component = component;
        this.settings = component.settings();
        this.keys = component.keys();
        this.sink = sink;
        this.copies = copies;
        this.streams = component.redis().stream(String.class, String.class, String.class);
        this.guard = component.guard();
        this.ledger = ledger;
        this.deadLetters = deadLetters;
        this.backoff = new FlushBackoff(component.name());
        this.consumer = consumer;
    }

    /** One flush cycle, up to {@code max-batches-per-cycle} batches. Never fails: trouble is logged and retried. */
    Uni<FlushReport> flush() {
        if (backoff.active()) {
            return Uni.createFrom().item(FlushReport.DEFERRED);
        }
        return ensureGroup()
                .flatMap(ignored -> drainBatches(true, settings.maxBatchesPerCycle(), FlushReport.EMPTY))
                .call(report -> report.deferred() ? Uni.createFrom().voidItem() : ledger.pruneIfDue())
                .invoke(report -> {
                    if (!report.deferred()) {
                        backoff.succeeded();
                    }
                })
                .onFailure()
                .recoverWithItem(failure -> {
                    backoff.failed(failure);
                    return FlushReport.DEFERRED;
                });
    }

    /** Flush cycles back to back until the stream is empty, a cycle is deferred or fails, or {@code bound} passed. */
    Uni<FlushReport> drain(Duration bound) {
        long deadline = System.nanoTime() + bound.toNanos();
        backoff.skip();
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

    private Uni<Void> ensureGroup() {
        if (groupReady) {
            return Uni.createFrom().voidItem();
        }
        return guard.call(() -> streams.xgroupCreate(
                                keys.stream(), settings.consumerGroup(), "0", new XGroupCreateArgs().mkstream())
                        .onFailure(
                                failure -> String.valueOf(failure.getMessage()).contains("BUSYGROUP"))
                        .recoverWithNull())
                .invoke(() -> groupReady = true);
    }

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
                                keys.stream(),
                                from,
                                new XReadGroupArgs().count(settings.batchSize()))
                        .onFailure()
                        .invoke(this::forgetGroupIfMissing))
                .map(Flusher::present);
    }

    private Uni<List<StreamMessage<String, String, String>>> claim() {
        return guard.call(() -> streams.xautoclaim(
                                keys.stream(),
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
                                "%s: claimed %d entries idle for over %s",
                                component.name(), messages.size(), settings.claimIdle());
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
        List<StreamEntry> entries = new ArrayList<>(batch.messages().size());
        List<String> malformed = new ArrayList<>();
        for (StreamMessage<String, String, String> message : batch.messages()) {
            StreamEntry entry = StreamEntry.parse(message, component.fields());
            if (entry == null) {
                malformed.add(message.id());
            } else {
                entries.add(entry);
            }
        }
        Uni<Long> dead =
                malformed.isEmpty() ? Uni.createFrom().item(0L) : deadLetters.move(malformed, "malformed entry");
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

    private Uni<FlushReport> applyAndAck(List<StreamEntry> entries, long readAtNanos) {
        return applyInTransaction(entries, readAtNanos)
                .flatMap(applied -> ack(entries).call(() -> rewarm(entries)).map(acked -> {
                    int replayed = entries.size() - applied;
                    if (replayed > 0) {
                        LOG.infof(
                                "%s: skipped %d entries already applied (replayed after a crash)",
                                component.name(), replayed);
                    }
                    return new FlushReport(0, applied, replayed, 0, 0, false);
                }));
    }

    // The acknowledgement dropped the flushed entities' cached copies; load them again (one bulk read) so the next
    // increments hit. Never fails the flush: a copy that is not back is loaded by its next read.
    private Uni<Void> rewarm(List<StreamEntry> entries) {
        if (copies == null) {
            return Uni.createFrom().voidItem();
        }
        List<String> entities =
                entries.stream().map(StreamEntry::entity).distinct().toList();
        return Uni.createFrom()
                .deferred(() -> copies.rewarm().apply(entities))
                .onFailure()
                .invoke(failure -> LOG.debugf(
                        "%s: re-warming %d cached copies failed: %s", component.name(), entities.size(), failure))
                .onFailure()
                .recoverWithNull();
    }

    private Uni<Integer> applyInTransaction(List<StreamEntry> entries, long readAtNanos) {
        UUID[] ids = entries.stream().map(StreamEntry::acceptId).toArray(UUID[]::new);
        // Bounded by flush-timeout like a request by its deadline: a transaction still open then is abandoned (its
        // connection closed, so Postgres rolls it back) and the batch stays pending for the next cycle.
        return component
                .source()
                .inTransaction(settings.flushTimeout(), tx -> {
                    // A batch held longer than flush-timeout may have been claimed and acknowledged elsewhere;
                    // applying it could race the ledger's pruning, so it is left to whoever owns it now.
                    if (System.nanoTime() - readAtNanos
                            > settings.flushTimeout().toNanos()) {
                        return Uni.createFrom().failure(new StaleBatchException());
                    }
                    return ledger.recordNew(tx, ids).flatMap(fresh -> {
                        Map<String, Map<String, Long>> deltas = coalesce(entries, fresh);
                        return deltas.isEmpty()
                                ? Uni.createFrom().item(fresh.size())
                                : sink.apply(tx, deltas).replaceWith(fresh.size());
                    });
                })
                .invoke(applied -> component.metrics().flushed(applied));
    }

    private static Map<String, Map<String, Long>> coalesce(List<StreamEntry> entries, Set<UUID> fresh) {
        // Sorted, so concurrent flushers touch rows in the same order.
        Map<String, Map<String, Long>> deltas = new TreeMap<>();
        // Each new id once: two entries of a batch may share an id (a caller's retry accepted twice), and the ledger
        // returns it once.
        Set<UUID> unapplied = new HashSet<>(fresh);
        for (StreamEntry entry : entries) {
            if (unapplied.remove(entry.acceptId())) {
                deltas.computeIfAbsent(entry.entity(), e -> new TreeMap<>())
                        .merge(entry.field(), entry.delta(), Long::sum);
            }
        }
        deltas.values().forEach(byField -> byField.values().removeIf(sum -> sum == 0));
        deltas.values().removeIf(Map::isEmpty);
        return deltas;
    }

    private Uni<Long> ack(List<StreamEntry> entries) {
        List<String> ackKeys = new ArrayList<>(List.of(keys.stream(), keys.pending(), keys.failures()));
        if (copies != null) {
            Function<String, String> copyKey = copies.key();
            entries.stream().map(StreamEntry::entity).distinct().map(copyKey).forEach(ackKeys::add);
        }
        List<String> args = new ArrayList<>(entries.size() + 1);
        args.add(settings.consumerGroup());
        entries.forEach(entry -> args.add(entry.streamId()));
        return guard.call(() -> ACK.run(component.redis(), ackKeys, args)).map(Response::toLong);
    }

    private Uni<FlushReport> afterFailure(List<StreamEntry> entries, Throwable failure) {
        ownPending = true;
        if (FlushBackoff.isTransient(failure)) {
            backoff.failed(failure);
            return Uni.createFrom().item(FlushReport.DEFERRED);
        }
        Map<String, List<StreamEntry>> byEntity = new TreeMap<>();
        entries.forEach(entry ->
                byEntity.computeIfAbsent(entry.entity(), e -> new ArrayList<>()).add(entry));
        if (byEntity.size() == 1) {
            return deadLetters.failed(entries, failure);
        }
        // One entity the sink rejects must not hold back the others: retry each on its own.
        LOG.warnf(
                "%s: a batch of %d entries failed (%s); retrying per entity",
                component.name(), entries.size(), failure);
        return Multi.createFrom()
                .iterable(byEntity.values())
                .onItem()
                .transformToUniAndConcatenate(group -> applyAndAck(group, System.nanoTime())
                        .onFailure()
                        .recoverWithUni(alone -> FlushBackoff.isTransient(alone)
                                ? Uni.createFrom().item(FlushReport.DEFERRED)
                                : deadLetters.failed(group, alone)))
                .collect()
                .asList()
                .map(reports -> reports.stream().reduce(FlushReport.EMPTY, FlushReport::plus));
    }

    private static final class StaleBatchException extends RuntimeException {
        StaleBatchException() {
            super("batch held longer than flush-timeout; left to its current owner", null, false, false);
        }
    }
}
