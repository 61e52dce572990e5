package dev.cachepatterns.inventory;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/** Bad input is a 4xx problem, never a 500, and never reaches Postgres or Redis. */
@QuarkusTest
class InventoryBadInputTest {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "-SKU",
                ".hidden",
                "SKU:1",
                "SKU*",
                "a b",
                "SKU%0A1",
                "ünïcode",
                "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
            })
    void skusOutsideTheAllowedCharsetOrLengthAre400(String sku) {
        given().urlEncodingEnabled(false)
                .get("/inventory/" + encode(sku))
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("detail", containsString("sku must be 1-64 characters"));
        given().urlEncodingEnabled(false)
                .contentType(ContentType.JSON)
                .body("{\"name\":\"x\",\"quantity\":1}")
                .put("/inventory/" + encode(sku))
                .then()
                .statusCode(400)
                .contentType("application/problem+json");
        given().urlEncodingEnabled(false)
                .contentType(ContentType.JSON)
                .body("{\"quantity\":1}")
                .post("/inventory/" + encode(sku) + "/reservations")
                .then()
                .statusCode(400)
                .contentType("application/problem+json");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"name\":\"x\",\"quantity\":-1}",
                "{\"name\":\"x\",\"quantity\":1000000001}",
                "{\"name\":\"x\",\"quantity\":99999999999}",
                "{\"name\":\"x\",\"quantity\":\"7\"}",
                "{\"name\":\"x\",\"quantity\":7.5}",
                "{\"name\":\"x\",\"quantity\":null}",
                "{\"name\":\"x\"}",
                "{\"quantity\":1}",
                "{\"name\":\"  \",\"quantity\":1}",
                "{\"name\":\"x\",\"quantity\":1,\"version\":9}",
                "{\"name\":\"x\",\"quantity\":1",
                "[]",
                "null",
                ""
            })
    void invalidPutBodiesAre400(String body) {
        String sku = InventoryApi.uniqueSku("BAD");
        given().contentType(ContentType.JSON)
                .body(body)
                .put("/inventory/{sku}", sku)
                .then()
                .statusCode(400)
                .contentType("application/problem+json");
        InventoryApi.get(sku).statusCode(404);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"quantity\":0}",
                "{\"quantity\":-3}",
                "{\"quantity\":10001}",
                "{\"quantity\":\"1\"}",
                "{\"quantity\":1.0}",
                "{}",
                "{\"quantity\":1,\"sku\":\"other\"}",
                "{"
            })
    void invalidReservationBodiesAre400AndLeaveStockAlone(String body) {
        String sku = InventoryApi.uniqueSku("BADRES");
        InventoryApi.put(sku, "Stock", 5).statusCode(200);
        given().contentType(ContentType.JSON)
                .body(body)
                .post("/inventory/{sku}/reservations", sku)
                .then()
                .statusCode(400)
                .contentType("application/problem+json");
        InventoryApi.get(sku).statusCode(200).body("quantity", equalTo(5)).body("version", equalTo(1));
    }

    @org.junit.jupiter.api.Test
    void anUnknownFieldIsNamedAndAnOversizeBodyIs413() {
        given().contentType(ContentType.JSON)
                .body("{\"name\":\"x\",\"quantity\":1,\"price\":3}")
                .put("/inventory/{sku}", InventoryApi.uniqueSku("FIELD"))
                .then()
                .statusCode(400)
                .body("detail", equalTo("Unknown field 'price'"));
        given().contentType(ContentType.JSON)
                .body("{\"name\":\"" + "x".repeat(70_000) + "\",\"quantity\":1}")
                .put("/inventory/{sku}", InventoryApi.uniqueSku("HUGE"))
                .then()
                .statusCode(413);
        given().contentType(ContentType.TEXT)
                .body("quantity=1")
                .put("/inventory/{sku}", InventoryApi.uniqueSku("TEXT"))
                .then()
                .statusCode(415);
    }

    private static String encode(String sku) {
        return java.net.URLEncoder.encode(sku, java.nio.charset.StandardCharsets.UTF_8)
                .replace("+", "%20")
                .replace("%250A", "%0A");
    }
}
