package dev.cachepatterns.users;

import java.util.Map;
import java.util.UUID;

import io.restassured.http.ContentType;

import static io.restassured.RestAssured.given;

/** Creates users through the API, each with a unique e-mail so tests never collide. */
public final class Users {

    private Users() {}

    public static long create(String name) {
        String email = name.toLowerCase().replaceAll("[^a-z0-9]", "") + "-" + UUID.randomUUID() + "@example.com";
        Number id = given().contentType(ContentType.JSON)
                .body(Map.of(
                        "name",
                        name,
                        "email",
                        email,
                        "avatarUrl",
                        "https://img.example.com/" + name.replace(' ', '-') + ".png"))
                .post("/users")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        return id.longValue();
    }
}
