package dev.cachepatterns.showcase;

import java.net.URL;
import java.util.Map;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import dev.cachepatterns.support.auth.Tokens;
import dev.cachepatterns.support.client.ApiClient;
import dev.cachepatterns.support.client.api.DashboardApi;
import dev.cachepatterns.support.client.model.DashboardStats;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The showcase's endpoints are reads open to anyone, change nothing, and its demos do not exist unless enabled
 * (docs/security.md, units/showcase/README.md); the page's numbers come through the client generated from the API
 * document like any other read.
 */
@QuarkusTest
class ShowcaseAccessTest {

    @TestHTTPResource("/")
    URL root;

    @Test
    void thePageReadsNeedNoTokenAndIgnoreABadOne() {
        given().get("/dashboard/stats").then().statusCode(200);
        given().header("Authorization", Tokens.bearerWriter())
                .get("/dashboard/stats")
                .then()
                .statusCode(200);
        given().header("Authorization", "Bearer " + Tokens.withoutRole())
                .get("/dashboard/stats")
                .then()
                .statusCode(200);
        given().header("Authorization", "Bearer not-a-jwt")
                .get("/dashboard/stats")
                .then()
                .statusCode(200);
        given().get("/dashboard/stats?x=%0d%0a").then().statusCode(200);
    }

    @Test
    void thePageChangesNothing() {
        Map<String, Object> paths = given().get("/q/openapi?format=json")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getMap("paths");
        assertThat(paths).containsKey("/dashboard/stats");
        // Not a write: 405 without a token, not 401.
        given().post("/dashboard/stats").then().statusCode(405);
        given().delete("/dashboard/stats").then().statusCode(405);
        given().post("/dashboard/series").then().statusCode(405);
    }

    @Test
    void theDemosThatChangeStateDoNotExistUnlessEnabled() {
        // Hidden from the OpenAPI document and off by default (demo.enabled): outside dev mode, 404 like any unknown
        // path, never 401.
        given().get("/demo").then().statusCode(404);
        given().post("/demo/any-demo").then().statusCode(404);
    }

    @Test
    void thePageNumbersComeThroughTheGeneratedClient() throws Exception {
        ApiClient client = new ApiClient();
        client.updateBaseUri(root.toString().replaceAll("/$", ""));
        DashboardStats stats = new DashboardApi(client).getDashboardStats();
        assertThat(stats.getRedisCircuit()).isEqualTo("closed");
        assertThat(stats.getCaches())
                .allSatisfy(cache -> assertThat(cache.getHitRatio()).isBetween(0.0, 1.0));
    }
}
