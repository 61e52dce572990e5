package dev.cachepatterns.platform.idempotency;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;

import dev.cachepatterns.platform.ProblemException;

/**
 * {@code Idempotency-Key} (IETF httpapi draft "The Idempotency-Key HTTP Header Field") for the non-idempotent writes. A
 * resource hands its call and its write to {@link #run}; without the header the write runs as before. With it:
 *
 * <ol>
 *   <li>the key is checked (1 to {@code max-key-length} printable ASCII characters, optionally as a quoted string as the
 *       draft writes it; else 400) and named by the principal and the key, and the request is fingerprinted (method,
 *       path, body);
 *   <li>one Redis script claims the key ({@link OutcomeStore}): a first outcome is replayed (same status, headers and
 *       body, plus {@code Idempotent-Replayed: true} on a success) and nothing runs; another fingerprint is a 422; an
 *       attempt still running is a 409 "in progress" with {@code Retry-After} (the draft's recommendation; waiting
 *       would hold a connection per duplicate);
 *   <li>otherwise the write runs, given the key so it can record it durably ({@link IdempotencyLedger}); its outcome
 *       is kept for the retention: successes and 4xx refusals (404, 409) are final, a 5xx or failure frees the key so a
 *       retry runs again. Detached from the client: a client that goes away after the commit still leaves its outcome
 *       for the retry.
 * </ol>
 *
 * When Redis cannot be asked, a {@linkplain IdempotentCall#durable() durable} write runs anyway (its ledger keeps it to
 * once); any other write is refused with 503. See {@code docs/api-contract.md#idempotency-key}.
 */
@ApplicationScoped
public class Idempotency {

    public static final String HEADER = "Idempotency-Key";
    public static final String REPLAYED_HEADER = "Idempotent-Replayed";

    private final OutcomeStore store;
    private final CurrentIdentityAssociation identities;
    private final ObjectMapper json;
    private final IdempotencyConfig config;
    private final IdempotencyMetrics metrics;

    Idempotency(
            OutcomeStore store,
            CurrentIdentityAssociation identities,
            ObjectMapper json,
            IdempotencyConfig config,
            IdempotencyMetrics metrics) {
        this.store = store;
        this.identities = identities;
        this.json = json;
        this.config = config;
        this.metrics = metrics;
    }

    /** Runs {@code write} at most once per key; it gets the key (empty without the header) to record it durably. */
    public Uni<Response> run(IdempotentCall call, Function<Optional<IdempotencyKey>, Uni<Response>> write) {
        if (call.header() == null) {
            return write.apply(Optional.empty());
        }
        String value = checked(call.header());
        String fingerprint = fingerprint(call);
        Uni<Response> pipeline = identities
                .getDeferredIdentity()
                .map(identity -> new IdempotencyKey(sha256(principal(identity) + '\n' + value), fingerprint))
                .flatMap(key -> store.claim(key).flatMap(claim -> {
                    if (claim instanceof OutcomeStore.Claim.Found found) {
                        return answer(found.entry(), key);
                    }
                    if (claim instanceof OutcomeStore.Claim.Claimed claimed) {
                        return apply(key, claimed.pending(), write);
                    }
                    return unchecked(call, key, write);
                }));
        // Detached from the caller's cancellation: a client that disconnects after the commit must not keep the outcome
        // from being stored (its retry would find the key in progress, or run again).
        return Uni.createFrom().emitter(emitter -> pipeline.subscribe().with(emitter::complete, emitter::fail));
    }

    /** The 422 of a key that comes back with another method, path or body. */
    static ProblemException keyReused() {
        return new ProblemException(
                422,
                "Unprocessable Content",
                "This Idempotency-Key was used with another request (method, path or body); use a new key for a new"
                        + " request");
    }

    private Uni<Response> answer(OutcomeStore.Entry entry, IdempotencyKey key) {
        if (!entry.fingerprint().equals(key.fingerprint())) {
            metrics.reused();
            return Uni.createFrom().failure(keyReused());
        }
        if (entry.pending()) {
            metrics.inProgress();
            return Uni.createFrom()
                    .failure(new ProblemException(
                            409,
                            "Conflict",
                            "A request with this Idempotency-Key is in progress; retry after it completed",
                            1));
        }
        metrics.replayed();
        return replay(entry.outcome());
    }

    private Uni<Response> unchecked(
            IdempotentCall call, IdempotencyKey key, Function<Optional<IdempotencyKey>, Uni<Response>> write) {
        metrics.unchecked();
        if (!call.durable()) {
            return Uni.createFrom()
                    .failure(ProblemException.unavailable(
                            "The Idempotency-Key cannot be checked now (Redis unavailable); retry shortly", 1));
        }
        return apply(key, null, write);
    }

    private Uni<Response> apply(
            IdempotencyKey key, String pending, Function<Optional<IdempotencyKey>, Uni<Response>> write) {
        return Uni.createFrom()
                .deferred(() -> write.apply(Optional.of(key)))
                .onItemOrFailure()
                .transformToUni((response, failure) -> {
                    if (failure instanceof AlreadyApplied applied) {
                        metrics.replayed();
                        return store.complete(key, pending, applied.outcome())
                                .flatMap(stored -> replay(applied.outcome()));
                    }
                    if (failure instanceof ProblemException problem && kept(problem.status())) {
                        metrics.applied();
                        Outcome refused = Outcome.problem(problem.status(), problem.title(), problem.getMessage());
                        return store.complete(key, pending, refused)
                                .flatMap(stored -> Uni.createFrom().failure(problem));
                    }
                    if (failure != null) {
                        return store.release(key, pending)
                                .flatMap(ignored -> Uni.createFrom().failure(failure));
                    }
                    if (!kept(response.getStatus())) {
                        return store.release(key, pending).replaceWith(response);
                    }
                    metrics.applied();
                    Outcome outcome = capture(response);
                    return store.complete(key, pending, outcome).map(stored -> rebuild(outcome, false));
                });
    }

    /** A 5xx (and a 408, 422 or 429) says nothing final about the write: the key is freed for the retry. */
    private static boolean kept(int status) {
        return status < 500 && status != 408 && status != 422 && status != 429;
    }

    private Uni<Response> replay(Outcome outcome) {
        if (outcome.isProblem()) {
            return Uni.createFrom().failure(new ProblemException(outcome.status(), outcome.title(), outcome.detail()));
        }
        return Uni.createFrom().item(rebuild(outcome, true));
    }

    /** The answer from the outcome; the first answer is built the same way, so a replay has the same bytes. */
    private static Response rebuild(Outcome outcome, boolean replayed) {
        Response.ResponseBuilder builder = Response.status(outcome.status());
        if (outcome.body() != null) {
            builder.entity(outcome.body()).type(MediaType.APPLICATION_JSON_TYPE);
        }
        outcome.headers().forEach(builder::header);
        if (replayed && outcome.status() < 300) {
            builder.header(REPLAYED_HEADER, "true");
        }
        return builder.build();
    }

    private Outcome capture(Response response) {
        Map<String, String> headers = new LinkedHashMap<>();
        response.getStringHeaders().forEach((name, values) -> {
            if (!values.isEmpty()
                    && !name.equalsIgnoreCase(HttpHeaders.CONTENT_TYPE)
                    && !name.equalsIgnoreCase(HttpHeaders.CONTENT_LENGTH)) {
                headers.put(name, values.get(0));
            }
        });
        Object entity = response.getEntity();
        String body = entity == null ? null : entity instanceof String text ? text : toJson(entity);
        return Outcome.success(response.getStatus(), headers, body == null ? "" : body);
    }

    private String checked(String header) {
        String value = header.length() >= 2 && header.startsWith("\"") && header.endsWith("\"")
                ? header.substring(1, header.length() - 1)
                : header;
        if (value.isEmpty() || value.length() > config.maxKeyLength()) {
            throw ProblemException.badRequest(
                    HEADER + " must have 1 to " + config.maxKeyLength() + " characters, got " + value.length());
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x21 || c > 0x7e || c == '"' || c == '\\') {
                throw ProblemException.badRequest(HEADER
                        + " may hold only printable ASCII characters without spaces, quotes or backslashes"
                        + " (a UUID is a good key)");
            }
        }
        return value;
    }

    private String fingerprint(IdempotentCall call) {
        return sha256(call.method() + ' ' + call.path() + '\n' + (call.body() == null ? "" : toJson(call.body())));
    }

    private static String principal(SecurityIdentity identity) {
        return identity == null || identity.isAnonymous()
                ? ""
                : identity.getPrincipal().getName();
    }

    private String toJson(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
