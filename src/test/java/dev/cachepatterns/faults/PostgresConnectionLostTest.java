package dev.cachepatterns.faults;

import java.time.Duration;

import jakarta.inject.Inject;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.mutiny.Uni;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.cachepatterns.cache.core.SourcePool;
import dev.cachepatterns.cache.core.SourceUnavailableException;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A Postgres connection lost in the middle of a call, between two of its statements: the call fails with {@link
 * SourceUnavailableException} (a 503 "unavailable"), not with the client's untyped failure (a 500), whether the client
 * has seen the close when the next statement is sent or sees it with that statement in flight. The pool then serves
 * calls again on fresh connections; until it does, a call given an idle connection that was cut with the others fails
 * the same way, never otherwise.
 */
@QuarkusTest
@TestProfile(FaultsProfile.class)
class PostgresConnectionLostTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @Inject
    SourcePool source;

    @AfterEach
    void heal() {
        FaultServers.postgresProxy().heal();
    }

    @Test
    void aConnectionCutBetweenTwoStatementsFailsTheCallAsUnavailable() {
        // The next statement sent at once: the close usually reaches the client while it is in flight.
        assertCutBetweenStatements(Duration.ZERO);
        // And once the client has had time to see the close: the statement is refused before it is sent.
        assertCutBetweenStatements(Duration.ofMillis(300));
    }

    @Test
    void aTransactionCutBeforeItsCommitFailsAsUnavailable() {
        assertThatThrownBy(() -> source.inTransaction(c -> c.query("SELECT 1")
                                .execute()
                                .invoke(() -> FaultServers.postgresProxy().cutAll()))
                        .await()
                        .atMost(WAIT))
                .isInstanceOf(SourceUnavailableException.class);
        awaitServed();
    }

    private void assertCutBetweenStatements(Duration pause) {
        assertThatThrownBy(() -> source.withConnection(c -> c.query("SELECT 1")
                                .execute()
                                .invoke(() -> FaultServers.postgresProxy().cutAll())
                                .call(() -> pause.isZero()
                                        ? Uni.createFrom().voidItem()
                                        : Uni.createFrom()
                                                .voidItem()
                                                .onItem()
                                                .delayIt()
                                                .by(pause))
                                .flatMap(first -> c.query("SELECT 2").execute()))
                        .await()
                        .atMost(WAIT))
                .isInstanceOf(SourceUnavailableException.class)
                .hasMessageContaining("lost during the call");
        awaitServed();
    }

    private void awaitServed() {
        Awaitility.await().atMost(WAIT).until(() -> {
            try {
                return source.withConnection(c -> c.query("SELECT 1").execute())
                                .await()
                                .atMost(WAIT)
                                .iterator()
                                .next()
                                .getInteger(0)
                        == 1;
            } catch (SourceUnavailableException idleConnectionCutToo) {
                return false;
            }
        });
    }
}
