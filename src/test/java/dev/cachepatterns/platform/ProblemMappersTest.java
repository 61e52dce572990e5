package dev.cachepatterns.platform;

import jakarta.ws.rs.core.Response;

import io.vertx.core.VertxException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Failures of the database pool that Vert.x reports with generic types are answered as an unavailable database. */
class ProblemMappersTest {

    private final ProblemMappers mappers = new ProblemMappers();

    @Test
    void aPoolThatGivesUpWaitingForAConnectionIsA503NotA500() {
        // What SqlConnectionPool fails with after PoolOptions.connectionTimeout (30 s by default).
        Response response = mappers.unexpected(
                new IllegalStateException("wrapped", new VertxException("Timeout waiting for connection", true)), null);
        assertThat(response.getStatus()).isEqualTo(503);
        assertThat(response.getHeaderString("Retry-After")).isEqualTo("2");
    }

    @Test
    void otherVertxExceptionsStayUnexpected() {
        assertThat(mappers.unexpected(new VertxException("something else", true), null)
                        .getStatus())
                .isEqualTo(500);
    }
}
