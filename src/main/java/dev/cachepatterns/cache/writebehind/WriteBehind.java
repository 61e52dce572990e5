package dev.cachepatterns.cache.writebehind;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

import io.quarkus.redis.datasource.stream.ReactiveStreamCommands;
import io.quarkus.redis.datasource.stream.StreamRange;
import io.smallrye.mutiny.Uni;

import dev.cachepatterns.cache.redis.HashSlot;
import dev.cachepatterns.cache.redis.RedisGuard;

/**
 * Crash-safe write-behind for counters: increments are acknowledged once they are durable in Redis and applied to
 * Postgres later, in batches, exactly once. Built by {@link WriteBehindFactory}, which also runs it: its flush loop,
 * its final drain at shutdown, its start-up durability warning and its readiness check {@code write-behind-<name>}.
 *
 * <ul>
 *   <li><b>Accept</b> ({@link #increment}): one Lua script checks the backlog bound, appends the increment to a Redis
 *       Stream and adds it to a pending-counter hash; the caller is answered after it returned, so with AOF ({@code
 *       appendfsync always} for zero loss, {@code everysec} for at most one second) an accepted increment survives a
 *       crash of the app and of Redis. Readers add {@link #pending} to the database values.
 *   <li><b>Flush</b>: a consumer group spreads the entries over instances; each batch is applied in one Postgres
 *       transaction together with its accept ids in the ledger table {@code write_behind_applied}, so a batch replayed
 *       after a crash between commit and acknowledgement is skipped; the acknowledgement takes the deltas out of
 *       pending exactly once and drops the entities' cached copies ({@link CachedCopies}), which are then re-warmed.
 *   <li><b>Failures</b>: Postgres or Redis unavailable → the batch stays pending and is retried with back-off, never
 *       dead-lettered for that. A batch the sink rejects is retried per entity; entries failing {@code max-tries} times,
 *       and malformed ones, go to the dead-letter stream ({@code write_behind_dead_total}). Redis unavailable at accept
 *       → the increment is committed to Postgres at once. Backlog at {@code max-backlog} → {@code overflow} decides:
 *       {@link WriteBehindRejectedException} (a 503 with Retry-After) or a synchronous write.
 * </ul>
 *
 * <p>Keys: {@code <prefix>:stream}, {@code :pending}, {@code :failures}, {@code :dead}; the prefix carries a hash tag
 * (e.g. {@code cp:wb:{articles}}) and the cached copies must share it, so every script touches one Redis Cluster slot
 * (checked at start). See {@code docs/write-behind.md}.
 */
public final class WriteBehind {

    /** The outcome of an increment: queued in Redis (with the entity's pending deltas), or written to the database. */
    public record Accepted(boolean queued, Map<String, Long> pending) {}

    private final String name;
    private final WriteBehindSettings settings;
    private final StreamKeys keys;
    private final RedisGuard guard;
    private final ReactiveStreamCommands<String, String, String> streams;
    private final WriteBehindMetrics metrics;
    private final IncrementQueue queue;
    private final Flusher flusher;
    private final DurabilityProbe probe;
    private final String consumer;

    WriteBehind(Component component, WriteBehindSink sink, CachedCopies copies) {
        if (component.fields().isEmpty()) {
            throw new IllegalArgumentException("a write-behind component needs at least one field");
        }
        WriteBehindSettings settings = component.settings();
        if (settings.batchSize() < 1 || settings.maxTries() < 1 || settings.maxBacklog() < 1) {
            throw new IllegalArgumentException("batch-size, max-tries and max-backlog must be positive");
        }
        component.fields().forEach(StreamEntry::requireEntity);
        this.name = component.name();
        this.settings = settings;
        this.keys = component.keys();
        this.guard = component.guard();
        this.streams = component.redis().stream(String.class, String.class, String.class);
        this.metrics = component.metrics();
        this.consumer = settings.consumerName().orElseGet(WriteBehind::defaultConsumerName);
        requireSameSlot(copies == null ? null : copies.key(), keys.stream());
        AppliedLedger ledger = new AppliedLedger(component);
        this.queue = new IncrementQueue(component, sink, copies == null ? null : copies.key(), ledger);
        this.flusher = new Flusher(component, sink, copies, ledger, new DeadLetters(component), consumer);
        this.probe = new DurabilityProbe(component.redis(), guard);
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
                        + ": give both key prefixes the same hash tag (e.g. cp:{articles} and cp:wb:{articles})");
            }
        }
    }

    /**
     * Adds {@code delta} to {@code field} of {@code entity}. Completes once the increment is durable: queued in Redis
     * (the usual case) or, when Redis is unavailable or the backlog is full with overflow = synchronous, committed to
     * Postgres. Fails with {@link WriteBehindRejectedException} when the backlog is full with overflow = reject.
     */
    public Uni<Accepted> increment(String entity, String field, long delta) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return queue.increment(entity, field, delta, new UUID(random.nextLong(), random.nextLong()));
    }

    /**
     * As {@link #increment(String, String, long)}, with the caller's accept id: the id the ledger records when the
     * increment is applied. Increments with one id are applied once, however often they are accepted (a client's retry
     * whose first attempt was flushed, or is still in the stream), for as long as the ledger keeps the id ({@code
     * ledger-retention}). A retry accepted while the first is still pending shows twice in {@link #pending} until the
     * flush, which applies it once. The id must be unique to the increment, e.g. derived from an idempotency key.
     */
    public Uni<Accepted> increment(String entity, String field, long delta, UUID acceptId) {
        return queue.increment(entity, field, delta, Objects.requireNonNull(acceptId, "acceptId"));
    }

    /** The accepted but unflushed deltas of {@code entity} per field; empty when Redis cannot be reached. */
    public Uni<Map<String, Long>> pending(String entity) {
        return queue.pending(entity);
    }

    /** One flush cycle (own unacknowledged, claimed, then new entries). Never fails. Run by the flush loop. */
    Uni<FlushReport> flush() {
        return flusher.flush();
    }

    /** Flush cycles back to back until the stream is empty, a cycle is deferred, or {@code bound} has passed. */
    Uni<FlushReport> drain(Duration bound) {
        return flusher.drain(bound);
    }

    /** Updates {@code write_behind_pending} and {@code write_behind_lag_seconds} from the stream. Never fails. */
    Uni<Void> measure() {
        return guard.call(() -> streams.xlen(keys.stream()))
                .flatMap(length -> length == 0
                        ? Uni.createFrom().item(new long[] {0, 0})
                        : guard.call(() -> streams.xrange(keys.stream(), new StreamRange("-", "+"), 1))
                                .map(first -> new long[] {
                                    length,
                                    first.isEmpty()
                                            ? 0
                                            : StreamEntry.ageMillis(first.get(0).id())
                                }))
                .invoke(backlog -> metrics.backlog(backlog[0], backlog[1]))
                .replaceWithVoid()
                .onFailure()
                .recoverWithNull();
    }

    /** Whether the Redis behind this component keeps what it accepted. */
    Uni<Durability> durability() {
        return probe.durability();
    }

    StreamKeys keys() {
        return keys;
    }

    String consumer() {
        return consumer;
    }

    WriteBehindSettings settings() {
        return settings;
    }

    private static String defaultConsumerName() {
        String host = System.getenv().getOrDefault("HOSTNAME", "app").replaceAll("[^A-Za-z0-9_.-]", "");
        return (host.isEmpty() ? "app" : host) + "-" + ProcessHandle.current().pid() + "-"
                + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));
    }

    @Override
    public String toString() {
        return "WriteBehind[" + name + ", stream " + keys.stream() + ", consumer " + consumer + "]";
    }
}
