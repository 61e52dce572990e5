package dev.cachepatterns.platform.idempotency;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * One client's key for one request: {@code id} names it (a SHA-256 of the principal and the key, so keys of different
 * principals never meet and no client text forms a Redis key), {@code fingerprint} is a SHA-256 of the method, path
 * and body the key was first used with.
 */
public record IdempotencyKey(String id, String fingerprint) {

    /**
     * The same UUID for every attempt with this key: a write-behind increment uses it as its accept id, so the
     * write-behind ledger applies a retried increment once even when the stored outcome was lost.
     */
    public UUID uuid() {
        return UUID.nameUUIDFromBytes(id.getBytes(StandardCharsets.US_ASCII));
    }
}
