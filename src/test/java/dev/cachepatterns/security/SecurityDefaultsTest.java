package dev.cachepatterns.security;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import dev.cachepatterns.support.examples.Endpoint;
import dev.cachepatterns.support.examples.Examples;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The secure defaults users rely on (docs/security.md): no operational endpoint changes state (so none needs a role),
 * and every write endpoint of the examples present refuses a body over 64 KiB with 413 before parsing it.
 */
@QuarkusTest
class SecurityDefaultsTest {

    /** The example resources present: the only places where a request may change state. */
    private static final Set<String> DATA_ROOTS = Examples.writeEndpoints().stream()
            .map(endpoint -> "/" + endpoint.path().split("/")[1])
            .collect(Collectors.toSet());

    @Test
    void onlyTheDataResourcesAcceptStateChangingMethods() {
        Map<String, Map<String, Object>> paths = given().get("/q/openapi?format=json")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getMap("paths");
        List<String> changing = new ArrayList<>();
        paths.forEach((path, operations) -> operations.keySet().stream()
                .filter(method -> Set.of("post", "put", "patch", "delete").contains(method))
                .forEach(method -> changing.add(method.toUpperCase() + " " + path)));

        assertThat(changing)
                .hasSizeGreaterThanOrEqualTo(Examples.writeEndpoints().size());
        assertThat(changing)
                .allSatisfy(route -> assertThat(DATA_ROOTS)
                        .anyMatch(
                                root -> route.substring(route.indexOf(' ') + 1).startsWith(root + "/")
                                        || route.endsWith(" " + root)));
    }

    @Test
    void everyWriteEndpointRefusesAnOversizeBody() {
        String big = "{\"name\":\"" + "x".repeat(65 * 1024) + "\"}";
        for (Endpoint endpoint : Examples.writeEndpoints()) {
            if (endpoint.body() != null) {
                given().contentType(ContentType.JSON)
                        .body(big)
                        .request(endpoint.method(), endpoint.path())
                        .then()
                        .statusCode(413);
            }
        }
    }
}
