package dev.cachepatterns.platform.idempotency;

import io.vertx.core.http.HttpServerRequest;

/**
 * One request to a non-idempotent write, as {@link Idempotency} needs it: the {@code Idempotency-Key} header as sent
 * (null when absent), the method and path, the parsed body (null when the operation takes none; it is fingerprinted as
 * JSON, so formatting does not make two bodies differ) and whether the write records its key durably.
 *
 * @param durable true when the write records its key in its own Postgres transaction ({@link IdempotencyLedger}) or an
 *     equivalent ledger: it may then run when Redis cannot be asked. False: it is refused with 503 instead, since
 *     nothing else would keep a retry from applying twice.
 */
public record IdempotentCall(String header, String method, String path, Object body, boolean durable) {

    /**
     * The call of {@code request}. The header is read from the request itself, not from the resource's
     * {@code @HeaderParam} (which is there for the OpenAPI document): JAX-RS turns an empty value into "absent", and an
     * empty key must be a 400, not a write without a key.
     */
    public static IdempotentCall of(HttpServerRequest request, Object body, boolean durable) {
        return new IdempotentCall(
                request.getHeader(Idempotency.HEADER), request.method().name(), request.path(), body, durable);
    }
}
