package dev.cachepatterns.platform.idempotency;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The first answer to a request with an {@code Idempotency-Key}, as it is replayed: a success with its status, the
 * headers the resource set ({@code Location}, {@code Cache-Write}) and its JSON body; or a refusal (a 4xx problem) with
 * its status, title and detail, rendered again by the problem mappers.
 *
 * <p>Stored as JSON in Redis, so registered for reflection (a native image would not see it otherwise).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@RegisterForReflection
public record Outcome(int status, Map<String, String> headers, String body, String title, String detail) {

    static Outcome success(int status, Map<String, String> headers, String body) {
        return new Outcome(status, Map.copyOf(headers), body, null, null);
    }

    static Outcome problem(int status, String title, String detail) {
        return new Outcome(status, Map.of(), null, title, detail);
    }

    boolean isProblem() {
        return body == null;
    }
}
