package dev.cachepatterns.platform.idempotency;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;
import org.jboss.logging.Logger;

import dev.cachepatterns.cache.redis.LuaScript;
import dev.cachepatterns.cache.redis.RedisGuard;

/**
 * The Redis side of idempotency: one entry per key, {@code pending} while an attempt runs (with the lease as TTL) and
 * the outcome afterwards (with the retention as TTL), so every instance sees the same state. Each step is one small
 * script (claim, complete, release: a check and a write that must not interleave with another instance's), every call
 * goes through {@link RedisGuard} (time-out, circuit breaker); the scripts run with EVALSHA ({@link LuaScript}).
 */
@ApplicationScoped
class OutcomeStore {

    /** What a key held when an attempt tried to claim it. */
    sealed interface Claim {
        /** This attempt holds the key; {@code pending} is its own entry, needed to complete or release it. */
        record Claimed(String pending) implements Claim {}

        /** Another attempt holds the key, or it has an outcome. */
        record Found(Entry entry) implements Claim {}

        /** Redis could not be asked (time-out, circuit open, unreadable entry). */
        record Unavailable() implements Claim {}
    }

    /** A key's entry: {@code outcome} is null while the attempt {@code owner} runs. Stored as JSON in Redis. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @RegisterForReflection
    record Entry(String fingerprint, String owner, Outcome outcome) {
        boolean pending() {
            return outcome == null;
        }
    }

    private static final Logger LOG = Logger.getLogger(OutcomeStore.class);
    private static final LuaScript CLAIM = LuaScript.load(OutcomeStore.class, "claim.lua");
    private static final LuaScript COMPLETE = LuaScript.load(OutcomeStore.class, "complete.lua");
    private static final LuaScript RELEASE = LuaScript.load(OutcomeStore.class, "release.lua");

    private final ReactiveRedisDataSource redis;
    private final RedisGuard guard;
    private final ObjectMapper json;
    private final IdempotencyConfig config;

    OutcomeStore(ReactiveRedisDataSource redis, RedisGuard guard, ObjectMapper json, IdempotencyConfig config) {
        this.redis = redis;
        this.guard = guard;
        this.json = json;
        this.config = config;
    }

    /** Claims {@code key} for a new attempt, or tells what it holds. Never fails. */
    Uni<Claim> claim(IdempotencyKey key) {
        String pending = encode(new Entry(key.fingerprint(), UUID.randomUUID().toString(), null));
        return guard.call(() ->
                        eval(CLAIM, key, pending, Long.toString(config.lease().toMillis())))
                .map(reply -> {
                    if (reply == null || reply.toString() == null) {
                        return (Claim) new Claim.Claimed(pending);
                    }
                    return new Claim.Found(decode(reply.toString()));
                })
                .onFailure()
                .recoverWithItem(failure -> {
                    LOG.debugf("idempotency: cannot claim a key (%s)", failure.toString());
                    return new Claim.Unavailable();
                });
    }

    /**
     * Keeps {@code outcome} for the retention in place of this attempt's entry ({@code pending}, or null when the claim
     * could not be made). Never fails: a lost outcome leaves the pending entry to its lease, see docs.
     */
    Uni<Boolean> complete(IdempotencyKey key, String pending, Outcome outcome) {
        String done = encode(new Entry(key.fingerprint(), null, outcome));
        return guard.call(() -> eval(
                        COMPLETE,
                        key,
                        pending == null ? "" : pending,
                        done,
                        Long.toString(config.retention().toMillis())))
                .map(reply -> reply != null && reply.toInteger() == 1)
                .onFailure()
                .recoverWithItem(failure -> {
                    LOG.warnf("idempotency: the outcome of a key could not be stored (%s)", failure.toString());
                    return false;
                });
    }

    /** Frees this attempt's claim so a retry can run. Never fails (the lease frees it otherwise). */
    Uni<Void> release(IdempotencyKey key, String pending) {
        if (pending == null) {
            return Uni.createFrom().voidItem();
        }
        return guard.call(() -> eval(RELEASE, key, pending))
                .replaceWithVoid()
                .onFailure()
                .recoverWithNull();
    }

    private Uni<Response> eval(LuaScript script, IdempotencyKey key, String... args) {
        return script.run(redis, List.of(config.keyPrefix() + ":" + key.id()), List.of(args));
    }

    private String encode(Entry entry) {
        try {
            return json.writeValueAsString(entry);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private Entry decode(String text) {
        try {
            return json.readValue(text, Entry.class);
        } catch (IOException e) {
            // Not one of ours (an operator's SET, a newer format): unusable, as if Redis had not answered.
            throw new UncheckedIOException(e);
        }
    }
}
