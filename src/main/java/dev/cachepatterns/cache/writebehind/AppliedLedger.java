package dev.cachepatterns.cache.writebehind;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

import io.quarkus.redis.datasource.stream.ReactiveStreamCommands;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import org.jboss.logging.Logger;

import dev.cachepatterns.cache.core.SourcePool;
import dev.cachepatterns.cache.redis.RedisGuard;

/**
 * The ids of the entries applied to Postgres, in the table {@code write_behind_applied} (migration {@code
 * V5__write_behind_ledger.sql}), written in the transaction that applies them. An entry replayed after a crash between
 * commit and acknowledgement, or applied concurrently by two flushers, finds its id there and is skipped: increments are
 * not idempotent, the ledger makes their application so. Shared by every write-behind component (accept ids are random
 * UUIDs, so they never collide).
 *
 * <p>Rows are pruned after {@code ledger-retention}, never while a pending entry older than half of it exists, so
 * exactly-once holds as long as an applied entry is acknowledged within that time.
 */
final class AppliedLedger {

    static final String TABLE = "write_behind_applied";

    private static final Logger LOG = Logger.getLogger(AppliedLedger.class);
    private static final long PRUNE_EVERY_NANOS = Duration.ofSeconds(10).toNanos();
    private static final int PRUNE_LIMIT = 100_000;
    private static final String INSERT_ONE = "INSERT INTO " + TABLE + " (id) VALUES ($1) ON CONFLICT DO NOTHING";
    private static final String INSERT_MANY =
            "INSERT INTO " + TABLE + " (id) SELECT unnest($1::uuid[]) ON CONFLICT DO NOTHING RETURNING id";
    private static final String PRUNE = "DELETE FROM " + TABLE + " WHERE id IN (SELECT id FROM " + TABLE
            + " WHERE applied_at < now() - make_interval(secs => $1) LIMIT " + PRUNE_LIMIT + ")";

    private final String name;
    private final SourcePool source;
    private final RedisGuard guard;
    private final ReactiveStreamCommands<String, String, String> streams;
    private final String stream;
    private final WriteBehindSettings settings;
    private volatile long lastPruneNanos = System.nanoTime();

    AppliedLedger(Component component) {
        this.name = component.name();
        this.source = component.source();
        this.guard = component.guard();
        this.streams = component.redis().stream(String.class, String.class, String.class);
        this.stream = component.keys().stream();
        this.settings = component.settings();
    }

    /** Records one id in {@code transaction}; true when it was new (the increment must be applied). */
    Uni<Boolean> recordOne(SqlConnection transaction, UUID id) {
        return transaction.preparedQuery(INSERT_ONE).execute(Tuple.of(id)).map(rows -> rows.rowCount() > 0);
    }

    /** Records {@code ids} in {@code transaction}; returns those that were new. */
    Uni<Set<UUID>> recordNew(SqlConnection transaction, UUID[] ids) {
        return transaction.preparedQuery(INSERT_MANY).execute(Tuple.of(ids)).map(rows -> {
            Set<UUID> fresh = new HashSet<>();
            for (Row row : rows) {
                fresh.add(row.getUUID(0));
            }
            return fresh;
        });
    }

    /** Deletes rows older than the retention, at most every 10 s. Never fails. */
    Uni<Void> pruneIfDue() {
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
                            && StreamEntry.ageMillis(summary.getLowestId()) > retentionMillis / 2) {
                        LOG.warnf("%s: not pruning the ledger while entry %s is pending", name, summary.getLowestId());
                        return Uni.createFrom().voidItem();
                    }
                    return source.withConnection(
                            settings.flushTimeout(),
                            c -> c.preparedQuery(PRUNE)
                                    .execute(Tuple.of(retentionMillis / 1000.0))
                                    .replaceWithVoid());
                })
                .onFailure()
                .recoverWithNull();
    }
}
