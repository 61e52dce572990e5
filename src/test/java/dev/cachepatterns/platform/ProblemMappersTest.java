package dev.cachepatterns.platform;

import jakarta.ws.rs.core.Response;

import io.vertx.core.VertxException;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import org.junit.jupiter.api.Test;

import dev.cachepatterns.cache.core.SourceTimeoutException;

import static org.assertj.core.api.Assertions.assertThat;

/** Database failures are answered by their type: time-outs and a full pool queue are 503s, anything unknown a 500. */
class ProblemMappersTest {

    private final ProblemMappers mappers = new ProblemMappers();

    @Test
    void aCallPastItsDeadlineIsA503WithRetryAfterAlsoWhenWrapped() {
        SourceTimeoutException timeout = new SourceTimeoutException("No Postgres connection within 3000 ms");
        Response direct = mappers.sourceTimeout(timeout, null);
        assertThat(direct.getStatus()).isEqualTo(503);
        assertThat(direct.getHeaderString("Retry-After")).isEqualTo("2");

        Response wrapped = mappers.unexpected(new IllegalStateException("wrapped", timeout), null);
        assertThat(wrapped.getStatus()).isEqualTo(503);
        assertThat(wrapped.getHeaderString("Retry-After")).isEqualTo("2");
    }

    @Test
    void aFullPoolQueueIsA503Saturated() {
        Response response = mappers.poolTooBusy(new ConnectionPoolTooBusyException("max wait queue size of 256"), null);
        assertThat(response.getStatus()).isEqualTo(503);
        assertThat(response.getHeaderString("Retry-After")).isEqualTo("1");
    }

    @Test
    void aFailureIsNotJudgedByItsText() {
        // What a pool used directly (not through SourcePool) fails with after its acquire time-out: no type says so.
        assertThat(mappers.unexpected(new VertxException("Timeout waiting for connection", true), null)
                        .getStatus())
                .isEqualTo(500);
        assertThat(mappers.unexpected(new VertxException("something else", true), null)
                        .getStatus())
                .isEqualTo(500);
    }
}
