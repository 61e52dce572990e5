package dev.cachepatterns.platform.idempotency;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Tuple;
import org.junit.jupiter.api.Test;

import dev.cachepatterns.cache.core.SourcePool;
import dev.cachepatterns.platform.ProblemException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Postgres record of keys, without an example: claimed and recorded in one transaction, found by a later claim
 * (the recorded outcome, or 422 for another fingerprint), given up, counted as absent once older than the retention,
 * and pruned.
 */
@QuarkusTest
class IdempotencyLedgerTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Inject
    IdempotencyLedger ledger;

    @Inject
    SourcePool source;

    private static IdempotencyKey key(String fingerprint) {
        return new IdempotencyKey(Idempotency.sha256(UUID.randomUUID().toString()), fingerprint);
    }

    private void apply(IdempotencyKey key, Object body) {
        source.inTransaction(tx -> ledger.claim(tx, key)
                        .flatMap(claimed -> ledger.record(tx, key, 201, Map.of("Location", "/things/1"), body)))
                .await()
                .atMost(WAIT);
    }

    private Throwable claimAgain(IdempotencyKey key) {
        return source.inTransaction(tx -> ledger.claim(tx, key))
                .onItem()
                .transform(ignored -> (Throwable) null)
                .onFailure()
                .recoverWithItem(failure -> failure)
                .await()
                .atMost(WAIT);
    }

    private long rows(IdempotencyKey key) {
        return source.withConnection(c -> c.preparedQuery("SELECT count(*) FROM idempotency_keys WHERE id = $1")
                        .execute(Tuple.of(key.id())))
                .await()
                .atMost(WAIT)
                .iterator()
                .next()
                .getLong(0);
    }

    private void age(IdempotencyKey key, int hours) {
        source.withConnection(c -> c.preparedQuery(
                                "UPDATE idempotency_keys SET created_at = now() - make_interval(hours => $2) WHERE id = $1")
                        .execute(Tuple.of(key.id(), hours)))
                .await()
                .atMost(WAIT);
    }

    @Test
    void aKeyAppliedOnceAnswersItsRecordedOutcome() {
        IdempotencyKey key = key("fp-1");
        apply(key, Map.of("id", 1));

        Throwable again = claimAgain(key);

        assertThat(again).isInstanceOf(AlreadyApplied.class);
        Outcome outcome = ((AlreadyApplied) again).outcome();
        assertThat(outcome.status()).isEqualTo(201);
        assertThat(outcome.headers()).containsEntry("Location", "/things/1");
        assertThat(outcome.body()).isEqualTo("{\"id\":1}");
    }

    @Test
    void anotherFingerprintIs422() {
        IdempotencyKey key = key("fp-1");
        apply(key, Map.of("id", 1));

        Throwable other = claimAgain(new IdempotencyKey(key.id(), "fp-2"));

        assertThat(other)
                .isInstanceOfSatisfying(
                        ProblemException.class, p -> assertThat(p.status()).isEqualTo(422));
    }

    @Test
    void aRolledBackOrGivenUpClaimLeavesNoRow() {
        IdempotencyKey rolledBack = key("fp");
        assertThatThrownBy(() -> source.inTransaction(tx -> ledger.claim(tx, rolledBack)
                                .flatMap(claimed -> io.smallrye.mutiny.Uni.createFrom()
                                        .failure(new IllegalStateException("the write failed"))))
                        .await()
                        .atMost(WAIT))
                .hasMessageContaining("the write failed");
        IdempotencyKey givenUp = key("fp");
        source.inTransaction(tx -> ledger.claim(tx, givenUp).flatMap(claimed -> ledger.unclaim(tx, givenUp)))
                .await()
                .atMost(WAIT);

        assertThat(rows(rolledBack)).isZero();
        assertThat(rows(givenUp)).isZero();
        assertThat(claimAgain(givenUp)).isNull();
    }

    @Test
    void aRowOlderThanTheRetentionCountsAsAbsentAndIsPruned() {
        IdempotencyKey expired = key("fp");
        IdempotencyKey pruned = key("fp");
        IdempotencyKey fresh = key("fp");
        apply(expired, "old");
        apply(pruned, "old");
        apply(fresh, "new");
        age(expired, 25);
        age(pruned, 25);

        // The expired key is claimed again (its row taken over) instead of replaying a day-old answer.
        assertThat(claimAgain(expired)).isNull();
        ledger.prune().await().atMost(WAIT);

        assertThat(rows(pruned)).isZero();
        assertThat(rows(fresh)).isOne();
        assertThat(claimAgain(fresh)).isInstanceOf(AlreadyApplied.class);
    }
}
