package dev.cachepatterns.inventory;

import java.util.Map;
import java.util.UUID;

import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;

import static io.restassured.RestAssured.given;

/** Calls the inventory API the way clients do; SKUs are unique per call so tests never collide. */
final class InventoryApi {

    private InventoryApi() {}

    static String uniqueSku(String label) {
        return label + "-" + UUID.randomUUID().toString().substring(0, 13);
    }

    static ValidatableResponse put(String sku, String name, int quantity) {
        return given().contentType(ContentType.JSON)
                .body(Map.of("name", name, "quantity", quantity))
                .put("/inventory/{sku}", sku)
                .then();
    }

    static ValidatableResponse reserve(String sku, int quantity) {
        return given().contentType(ContentType.JSON)
                .body(Map.of("quantity", quantity))
                .post("/inventory/{sku}/reservations", sku)
                .then();
    }

    static ValidatableResponse get(String sku) {
        return given().get("/inventory/{sku}", sku).then();
    }
}
