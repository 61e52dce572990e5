package dev.cachepatterns.platform.idempotency;

import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import org.jboss.logging.Logger;

import dev.cachepatterns.cache.core.SourcePool;
import dev.cachepatterns.platform.ProblemException;

/**
 * The keys of the writes whose effect is durable in Postgres, recorded in the same transaction as the effect (table
 * {@code idempotency_keys}, migration {@code V7__idempotency_keys.sql}). The stored outcome in Redis answers most
 * retries; this table answers the ones Redis forgot (restarted empty, an outcome that could not be stored), so a retry
 * after a lost reply never applies the write twice.
 *
 * <p>A write calls {@link #claim} first in its transaction: it inserts the key's row, or finds the row of an earlier
 * attempt and fails with {@link AlreadyApplied} (the transaction changes nothing). Two concurrent attempts with one key
 * serialize on the row's primary key: the second waits for the first to commit and then finds its row (or, if the
 * first rolled back, inserts its own). After the effect, {@link #record} stores the answer in the same row.
 */
@ApplicationScoped
public class IdempotencyLedger {

    private static final Logger LOG = Logger.getLogger(IdempotencyLedger.class);
    private static final int PRUNE_LIMIT = 10_000;
    // A row older than the retention counts as absent, whether or not the pruner deleted it yet.
    private static final String CLAIM = "INSERT INTO idempotency_keys (id, fingerprint, status) VALUES ($1, $2, 0)"
            + " ON CONFLICT (id) DO UPDATE SET fingerprint = EXCLUDED.fingerprint, status = 0, headers = NULL,"
            + " body = NULL, created_at = now()"
            + " WHERE idempotency_keys.created_at < now() - make_interval(secs => $3) RETURNING id";
    private static final String FIND = "SELECT fingerprint, status, headers, body FROM idempotency_keys WHERE id = $1";
    private static final String RECORD =
            "UPDATE idempotency_keys SET status = $2, headers = $3, body = $4 WHERE id = $1";
    private static final String UNCLAIM = "DELETE FROM idempotency_keys WHERE id = $1 AND status = 0";
    private static final String PRUNE = "DELETE FROM idempotency_keys WHERE id IN (SELECT id FROM idempotency_keys"
            + " WHERE created_at < now() - make_interval(secs => $1) LIMIT " + PRUNE_LIMIT + ")";
    private static final TypeReference<Map<String, String>> HEADERS = new TypeReference<>() {};

    private final SourcePool source;
    private final ObjectMapper json;
    private final IdempotencyConfig config;

    public IdempotencyLedger(SourcePool source, ObjectMapper json, IdempotencyConfig config) {
        this.source = source;
        this.json = json;
        this.config = config;
    }

    /**
     * Claims {@code key} in {@code transaction}. Completes when the write should go ahead; fails with {@link
     * AlreadyApplied} when an earlier attempt committed it, or with a 422 problem when that attempt had another body.
     */
    public Uni<Void> claim(SqlConnection transaction, IdempotencyKey key) {
        return transaction
                .preparedQuery(CLAIM)
                .execute(Tuple.of(key.id(), key.fingerprint(), retentionSeconds()))
                .flatMap(claimed -> claimed.rowCount() > 0
                        ? Uni.createFrom().voidItem()
                        : transaction
                                .preparedQuery(FIND)
                                .execute(Tuple.of(key.id()))
                                .map(rows -> {
                                    Row row = rows.iterator().next();
                                    if (!key.fingerprint().equals(row.getString("fingerprint"))) {
                                        throw Idempotency.keyReused();
                                    }
                                    throw new AlreadyApplied(Outcome.success(
                                            row.getInteger("status"),
                                            headers(row.getString("headers")),
                                            row.getString("body")));
                                }));
    }

    /** Records the answer of the write {@code key} claimed, in the same transaction. */
    public Uni<Void> record(
            SqlConnection transaction, IdempotencyKey key, int status, Map<String, String> headers, Object body) {
        try {
            return transaction
                    .preparedQuery(RECORD)
                    .execute(
                            Tuple.of(key.id(), status, json.writeValueAsString(headers), json.writeValueAsString(body)))
                    .replaceWithVoid();
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(e);
        }
    }

    /**
     * Gives up the claim of {@code key} in {@code transaction}, for a write that ends without an effect but commits
     * (e.g. it found no stock): a retry then runs again instead of finding an empty record.
     */
    public Uni<Void> unclaim(SqlConnection transaction, IdempotencyKey key) {
        return transaction.preparedQuery(UNCLAIM).execute(Tuple.of(key.id())).replaceWithVoid();
    }

    /** Deletes rows older than the retention, at most {@value #PRUNE_LIMIT} per run. Never fails. */
    @Scheduled(
            every = "${idempotency.prune-interval:1m}",
            delayed = "30s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> prune() {
        return source.withConnection(c -> c.preparedQuery(PRUNE).execute(Tuple.of(retentionSeconds())))
                .invoke(rows -> {
                    if (rows.rowCount() > 0) {
                        LOG.debugf("idempotency: pruned %d expired keys", rows.rowCount());
                    }
                })
                .replaceWithVoid()
                .onFailure()
                .recoverWithUni(failure -> {
                    LOG.debugf("idempotency: pruning failed (%s)", failure.toString());
                    return Uni.createFrom().voidItem();
                });
    }

    private double retentionSeconds() {
        return config.retention().toMillis() / 1000.0;
    }

    private Map<String, String> headers(String text) {
        if (text == null) {
            return Map.of();
        }
        try {
            return json.readValue(text, HEADERS);
        } catch (JsonProcessingException e) {
            throw new ProblemException(500, "Internal Server Error", "unreadable idempotency record");
        }
    }
}
