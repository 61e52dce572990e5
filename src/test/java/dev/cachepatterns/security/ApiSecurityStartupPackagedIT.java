package dev.cachepatterns.security;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.cachepatterns.support.PackagedApp;
import dev.cachepatterns.support.RedisServer;
import dev.cachepatterns.support.examples.Endpoint;
import dev.cachepatterns.support.examples.Examples;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged app (prod profile) and its verification key (docs/security.md): without one it refuses to start and
 * says what to set; with {@code API_SECURITY_ENABLED=false} it starts without one, warns, and lets writes through;
 * with the key (what {@link PackagedApp} gives every packaged app of the tests) a write without a token is a 401.
 */
class ApiSecurityStartupPackagedIT {

    /** Removes the test key that PackagedApp passes by default. */
    private static final Map<String, String> NO_KEY =
            Map.of("MP_JWT_VERIFY_PUBLICKEY_LOCATION", "", "MP_JWT_VERIFY_ISSUER", "");

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static RedisServer redis;

    @BeforeAll
    static void redis() {
        Assumptions.assumeTrue(PackagedApp.jarExists(), "needs the packaged jar (./mvnw verify)");
        redis = new RedisServer(List.of()).start();
    }

    @AfterAll
    static void stop() {
        if (redis != null) {
            redis.stop();
        }
    }

    @Test
    void refusesToStartWithoutAVerificationKey() {
        int exit = PackagedApp.exitCode(
                "security-no-key",
                RedisServer.freePort(),
                redis.uri(),
                PackagedApp.defaultReactiveUrl(),
                NO_KEY,
                Duration.ofSeconds(90));
        assertThat(exit).as("exit code").isNotZero();
        assertThat(PackagedApp.log("security-no-key"))
                .contains(
                        "no verification key (mp.jwt.verify.publickey.location) and no issuer (mp.jwt.verify.issuer) is configured")
                .contains("MP_JWT_VERIFY_PUBLICKEY_LOCATION")
                .contains("API_SECURITY_ENABLED=false");
    }

    @Test
    void startsWithSecuritySwitchedOffAndWarns() throws Exception {
        Map<String, String> env = new HashMap<>(NO_KEY);
        env.put("API_SECURITY_ENABLED", "false");
        try (PackagedApp app = PackagedApp.start(
                "security-off", RedisServer.freePort(), redis.uri(), PackagedApp.defaultReactiveUrl(), env)) {
            assertThat(PackagedApp.log("security-off"))
                    .contains("WARN")
                    .contains("api-security.enabled=false: the API's writes need no token");
            for (Endpoint endpoint : Examples.writeEndpoints()) {
                assertThat(status(app, endpoint))
                        .as(endpoint + " without a token")
                        .isNotIn(401, 403);
            }
        }
    }

    @Test
    void withTheKeyAWriteWithoutATokenIs401() throws Exception {
        try (PackagedApp app = PackagedApp.start(
                "security-on", RedisServer.freePort(), redis.uri(), PackagedApp.defaultReactiveUrl(), Map.of())) {
            assertThat(PackagedApp.log("security-on")).doesNotContain("api-security.enabled=false");
            for (Endpoint endpoint : Examples.writeEndpoints()) {
                assertThat(status(app, endpoint))
                        .as(endpoint + " without a token")
                        .isEqualTo(401);
            }
        }
    }

    private static int status(PackagedApp app, Endpoint endpoint) throws Exception {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(app.uri(endpoint.path())).timeout(Duration.ofSeconds(30));
        if (endpoint.body() != null) {
            request.header("Content-Type", "application/json");
        }
        request.method(
                endpoint.method(),
                endpoint.body() == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(endpoint.body()));
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }
}
