package dev.cachepatterns.platform.idempotency;

/**
 * Raised inside a write's transaction when {@link IdempotencyLedger} finds the key already applied: the transaction
 * rolls back (it changed nothing), and {@link Idempotency} answers with the recorded outcome. An exception rather than
 * a return value, so a service passes it through its usual pipeline without a type of its own for "replayed".
 */
public final class AlreadyApplied extends RuntimeException {

    private final transient Outcome outcome;

    AlreadyApplied(Outcome outcome) {
        super("already applied", null, false, false);
        this.outcome = outcome;
    }

    Outcome outcome() {
        return outcome;
    }
}
