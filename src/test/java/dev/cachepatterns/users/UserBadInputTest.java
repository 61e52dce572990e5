package dev.cachepatterns.users;

import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;

/** Bad input is answered with a 4xx problem document, never a 500. */
@QuarkusTest
class UserBadInputTest {

    @ParameterizedTest
    @ValueSource(strings = {"abc", "-1", "0", "1.5", "1e3", "99999999999999999999", "%20", "1%0D%0A2"})
    void nonPositiveOrNonNumericIdsAre400(String id) {
        given().urlEncodingEnabled(false)
                .get("/users/" + id)
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("status", equalTo(400))
                .body("detail", containsString("id must be a positive integer"));
    }

    @Test
    void aTenKilobyteIdIsRejected() {
        String id = "9".repeat(10_000);
        int status = given().get("/users/" + id).then().extract().statusCode();
        org.assertj.core.api.Assertions.assertThat(status).isBetween(400, 499);
    }

    @Test
    void unknownFieldsAre400() {
        given().contentType(ContentType.JSON)
                .body(Map.of("name", "X", "email", "x@example.com", "role", "admin"))
                .post("/users")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("detail", containsString("role"));
    }

    @Test
    void missingAndInvalidFieldsAre400WithEachViolation() {
        given().contentType(ContentType.JSON)
                .body(Map.of("avatarUrl", "javascript:alert(1)"))
                .post("/users")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("violations.field", hasItem("name"))
                .body("violations.field", hasItem("email"))
                .body("violations.field", hasItem("avatarUrl"));
    }

    @Test
    void malformedAndEmptyBodiesAre400() {
        given().contentType(ContentType.JSON)
                .body("{\"name\": ")
                .post("/users")
                .then()
                .statusCode(400)
                .contentType("application/problem+json");
        given().contentType(ContentType.JSON)
                .post("/users")
                .then()
                .statusCode(400)
                .contentType("application/problem+json");
        given().contentType(ContentType.JSON)
                .body("[1,2]")
                .put("/users/1")
                .then()
                .statusCode(400)
                .contentType("application/problem+json");
    }

    @Test
    void wrongTypesAre400() {
        given().contentType(ContentType.JSON)
                .body("{\"name\": {\"a\": 1}, \"email\": \"x@example.com\"}")
                .post("/users")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("detail", containsString("name"));
    }

    @Test
    void oversizeBodiesAre413() {
        String name = "x".repeat(100_000);
        given().contentType(ContentType.JSON)
                .body(Map.of("name", name, "email", "big@example.com"))
                .post("/users")
                .then()
                .statusCode(413);
    }

    @Test
    void moreThanOneHundredIdsAre400() {
        String ids = IntStream.rangeClosed(1, 101).mapToObj(String::valueOf).collect(Collectors.joining(","));
        given().get("/users?ids=" + ids)
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("detail", containsString("at most 100"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1,,2", "1,abc", "*", "-5"})
    void badIdListsAre400(String ids) {
        given().queryParam("ids", ids)
                .get("/users")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("title", notNullValue());
    }

    @Test
    void unsupportedMediaTypeAndUnknownRoutesAreProblems() {
        given().contentType(ContentType.TEXT)
                .body("hello")
                .post("/users")
                .then()
                .statusCode(415);
        given().get("/nope").then().statusCode(404);
        given().delete("/users").then().statusCode(405);
    }
}
