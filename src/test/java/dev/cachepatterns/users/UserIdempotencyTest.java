package dev.cachepatterns.users;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.nullValue;

/** {@code Idempotency-Key} on {@code POST /users}: a retry gets the first 201 and creates no second user. */
@QuarkusTest
class UserIdempotencyTest {

    @Inject
    Pool pool;

    private static ExtractableResponse<Response> create(Map<String, String> body, String key) {
        var request = given().contentType(ContentType.JSON).body(body);
        if (key != null) {
            request = request.header("Idempotency-Key", key);
        }
        return request.post("/users").then().extract();
    }

    private long usersWithEmail(String email) {
        return pool.preparedQuery("SELECT count(*) FROM users WHERE lower(email) = lower($1)")
                .execute(Tuple.of(email))
                .await()
                .atMost(Duration.ofSeconds(10))
                .iterator()
                .next()
                .getLong(0);
    }

    @Test
    void aRetriedCreateGetsTheFirst201AndCreatesOneUser() {
        String email = "idem-" + UUID.randomUUID() + "@example.com";
        Map<String, String> body = Map.of("name", "Idem", "email", email, "avatarUrl", "https://example.com/a.png");
        String key = UUID.randomUUID().toString();

        ExtractableResponse<Response> first = create(body, key);
        assertThat(first.statusCode()).isEqualTo(201);
        assertThat(first.header("Idempotent-Replayed")).isNull();
        ExtractableResponse<Response> again = create(body, key);

        assertThat(again.statusCode()).isEqualTo(201);
        assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(again.header("Location")).isEqualTo(first.header("Location"));
        assertThat(again.asString()).isEqualTo(first.asString());
        assertThat(usersWithEmail(email)).isEqualTo(1);
        // The same body without a key is a new create: its email is taken.
        assertThat(create(body, null).statusCode()).isEqualTo(409);
        given().get(first.header("Location")).then().statusCode(200).header("Idempotent-Replayed", nullValue());
    }
}
