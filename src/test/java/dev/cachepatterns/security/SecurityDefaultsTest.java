package dev.cachepatterns.security;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The secure defaults users rely on (docs/security.md): no operational endpoint changes state (so none needs a role),
 * and every write endpoint refuses a body over 64 KiB with 413 before parsing it.
 */
@QuarkusTest
class SecurityDefaultsTest {

    /** The example resources: the only places where a request may change state. */
    private static final Set<String> DATA_ROOTS = Set.of("/users", "/inventory", "/posts", "/leaderboards");

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

        assertThat(paths).containsKey("/dashboard/stats");
        assertThat(changing)
                .isNotEmpty()
                .allSatisfy(route -> assertThat(DATA_ROOTS)
                        .anyMatch(
                                root -> route.substring(route.indexOf(' ') + 1).startsWith(root + "/")
                                        || route.endsWith(" " + root)));
        given().post("/dashboard/stats").then().statusCode(405);
        given().delete("/dashboard/stats").then().statusCode(405);
    }

    @Test
    void everyWriteEndpointRefusesAnOversizeBody() {
        String big = "{\"name\":\"" + "x".repeat(65 * 1024) + "\"}";
        for (String[] route : List.of(
                new String[] {"POST", "/users"},
                new String[] {"PUT", "/users/1"},
                new String[] {"PUT", "/inventory/SKU-1"},
                new String[] {"POST", "/inventory/SKU-1/reservations"},
                new String[] {"POST", "/posts"},
                new String[] {"POST", "/leaderboards/global/scores"})) {
            given().contentType(ContentType.JSON)
                    .body(big)
                    .request(route[0], route[1])
                    .then()
                    .statusCode(413);
        }
    }
}
