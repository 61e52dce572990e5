/**
 * {@code Idempotency-Key} for the non-idempotent writes: a retry with the same key gets the first answer and applies
 * nothing again, on any instance. {@link dev.cachepatterns.platform.idempotency.Idempotency} is what a resource calls;
 * the first outcomes live in Redis ({@code OutcomeStore}, one entry per principal and key with a TTL); writes whose
 * effect is durable in Postgres also record their key in their own transaction ({@link
 * dev.cachepatterns.platform.idempotency.IdempotencyLedger}), so a retry Redis forgot still applies once. Knows no
 * example: an example passes its call and its write. See {@code docs/api-contract.md#idempotency-key}.
 */
package dev.cachepatterns.platform.idempotency;
