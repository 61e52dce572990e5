package dev.cachepatterns.security;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.Test;

import dev.cachepatterns.support.auth.Tokens;
import dev.cachepatterns.support.auth.WriterTokenFilter;
import dev.cachepatterns.support.examples.Endpoint;
import dev.cachepatterns.support.examples.ExampleUnderTest;
import dev.cachepatterns.support.examples.Examples;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

/**
 * Writes need a role (docs/security.md): every state-changing endpoint of the examples present answers 401 without a
 * token or with a bad one, 403 with a valid token lacking {@code writer}, and its success status with one, each error a
 * problem document; the OpenAPI document declares exactly that for every write operation it lists, and each of those
 * is one of the examples' write endpoints, so none escapes this test.
 */
@QuarkusTest
class WriteAuthorizationTest {

    private static final List<String> WRITE_METHODS = List.of("post", "put", "patch", "delete");

    @Test
    void withoutATokenEveryWriteIs401WithABearerChallenge() {
        for (Endpoint endpoint : Examples.writeEndpoints()) {
            send(endpoint, null)
                    .statusCode(401)
                    .header("WWW-Authenticate", equalTo("Bearer"))
                    .contentType(equalTo("application/problem+json"))
                    .body("status", equalTo(401))
                    .body("title", equalTo("Unauthorized"))
                    .body("detail", containsString("writer"))
                    .body("instance", equalTo(endpoint.path()));
        }
    }

    @Test
    void aBadTokenIs401AndSaysSo() {
        Map<String, String> bad = Map.of(
                "expired", Tokens.expired(),
                "other issuer", Tokens.otherIssuer(),
                "unknown key", Tokens.unknownKey(),
                "not a JWT", "not-a-jwt");
        for (Endpoint endpoint : Examples.writeEndpoints()) {
            bad.forEach((what, token) -> send(endpoint, "Bearer " + token)
                    .statusCode(401)
                    .header("WWW-Authenticate", startsWith("Bearer error=\"invalid_token\""))
                    .contentType(equalTo("application/problem+json"))
                    .body("status", equalTo(401)));
        }
    }

    @Test
    void aTokenWithoutTheRoleIs403() {
        String token = "Bearer " + Tokens.withoutRole();
        for (Endpoint endpoint : Examples.writeEndpoints()) {
            send(endpoint, token)
                    .statusCode(403)
                    .contentType(equalTo("application/problem+json"))
                    .body("status", equalTo(403))
                    .body("title", equalTo("Forbidden"))
                    .body("detail", containsString("writer"));
        }
    }

    @Test
    void withTheRoleEveryWriteWorks() {
        for (ExampleUnderTest example : Examples.all()) {
            List<Endpoint> declared = example.writeEndpoints();
            List<Endpoint> prepared = example.preparedWrites("auth");
            assertThat(prepared)
                    .as(example.name() + ": one prepared write per write endpoint")
                    .hasSameSizeAs(declared);
            for (int i = 0; i < prepared.size(); i++) {
                Endpoint endpoint = prepared.get(i);
                assertThat(operationOf(endpoint))
                        .as(endpoint + " is the same operation as " + declared.get(i))
                        .isEqualTo(operationOf(declared.get(i)));
                send(endpoint, Tokens.bearerWriter()).statusCode(endpoint.success());
            }
        }
    }

    @Test
    void readsNeedNoTokenAndIgnoreABadOne() {
        // Every other test reads without a token (the writer token goes on writes only). A token is verified only where
        // a role is needed, so a bad one on a read changes nothing: still the read's own answer.
        given().get("/q/openapi?format=json").then().statusCode(200);
        given().header("Authorization", "Bearer not-a-jwt")
                .get("/no-such-resource")
                .then()
                .statusCode(404);
        given().header("Authorization", "Bearer " + Tokens.withoutRole())
                .get("/no-such-resource")
                .then()
                .statusCode(404);
    }

    @Test
    void unknownPathsStayNotFoundRatherThanUnauthorized() {
        unauthenticated()
                .contentType(ContentType.JSON)
                .body("{}")
                .post("/no-such-resource")
                .then()
                .statusCode(404);
        unauthenticated().delete("/no-such-resource/1").then().statusCode(404);
    }

    @Test
    void theDocumentDeclaresTheSchemeOnEveryWriteAndEveryWriteIsTested() {
        JsonPath document = given().get("/q/openapi?format=json")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(document.getString("components.securitySchemes.bearer.type")).isEqualTo("http");
        assertThat(document.getString("components.securitySchemes.bearer.scheme"))
                .isEqualTo("bearer");
        assertThat(document.getMap("components.schemas")).containsKey("Problem");

        Map<String, Map<String, Object>> paths = document.getMap("paths");
        List<String> writes = new ArrayList<>();
        paths.forEach((path, operations) -> operations.keySet().stream()
                .filter(WRITE_METHODS::contains)
                .forEach(method -> writes.add(method.toUpperCase() + " " + path)));
        for (String write : writes) {
            String method = write.substring(0, write.indexOf(' ')).toLowerCase();
            String path = write.substring(write.indexOf(' ') + 1);
            String at = "paths.'" + path + "'." + method;
            assertThat(document.getList(at + ".security"))
                    .as(write + " needs the bearer scheme")
                    .containsExactly(Map.of("bearer", List.of()));
            for (String status : List.of("401", "403")) {
                assertThat(document.getString(
                                at + ".responses.'" + status + "'.content.'application/problem+json'" + ".schema.$ref"))
                        .as(write + " documents " + status)
                        .isEqualTo("#/components/schemas/Problem");
            }
            assertThat(document.getMap(at + ".responses.'401'.headers")).containsKey("WWW-Authenticate");
        }
        List<String> tested = Examples.writeEndpoints().stream()
                .map(WriteAuthorizationTest::operationOf)
                .map(found -> found.orElse("undocumented"))
                .toList();
        assertThat(tested)
                .as("every example write endpoint is a documented operation")
                .doesNotContain("undocumented");
        assertThat(tested)
                .as("every documented write is one of the examples' endpoints")
                .containsAll(writes);
        // Reads are open: no GET declares a requirement (an empty list, `security: []`, says so explicitly).
        paths.forEach((path, operations) -> assertThat(document.getList("paths.'" + path + "'.get.security"))
                .as("GET " + path)
                .isNullOrEmpty());
    }

    /** The documented operation ("POST /users/{id}") whose path template matches the endpoint's concrete path. */
    private static Optional<String> operationOf(Endpoint endpoint) {
        Map<String, Map<String, Object>> paths = documentPaths();
        return paths.entrySet().stream()
                .filter(e -> e.getValue().containsKey(endpoint.method().toLowerCase()))
                .map(Map.Entry::getKey)
                .filter(template -> Pattern.matches(
                        template.replaceAll("\\{[^/]+}", "[^/]+"),
                        endpoint.path().replaceAll("\\?.*", "")))
                .findFirst()
                .map(template -> endpoint.method() + " " + template);
    }

    private static Map<String, Map<String, Object>> documentPaths() {
        return given().get("/q/openapi?format=json")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getMap("paths");
    }

    private static ValidatableResponse send(Endpoint endpoint, String authorization) {
        RequestSpecification request = unauthenticated();
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        if (endpoint.body() != null) {
            request.contentType(ContentType.JSON).body(endpoint.body());
        }
        return request.request(endpoint.method(), endpoint.path()).then();
    }

    private static RequestSpecification unauthenticated() {
        return given().noFiltersOfType(WriterTokenFilter.class);
    }
}
