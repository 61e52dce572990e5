package dev.cachepatterns.showcase.demo;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;

/** Without {@code demo.enabled=true} (the default outside dev mode) the demo paths do not exist. */
@QuarkusTest
class DemosOffTest {

    @Test
    void everyDemoPathAnswers404AndTheOpenApiDocumentHasNone() {
        given().get("/demo").then().statusCode(404);
        given().post("/demo/stampede").then().statusCode(404);
        given().post("/demo/write-behind-burst?size=2000").then().statusCode(404);
        given().get("/q/openapi").then().statusCode(200).body(not(containsString("/demo")));
    }
}
