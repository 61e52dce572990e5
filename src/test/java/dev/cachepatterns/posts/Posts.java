package dev.cachepatterns.posts;

import java.util.Map;
import java.util.UUID;

import io.restassured.http.ContentType;

import static io.restassured.RestAssured.given;

/** Creates posts through the API, each with a unique slug so tests never collide. */
public final class Posts {

    private Posts() {}

    public static String uniqueSlug(String stem) {
        return stem + "-" + UUID.randomUUID().toString().substring(0, 13);
    }

    public static String create(String stem) {
        String slug = uniqueSlug(stem);
        given().contentType(ContentType.JSON)
                .body(Map.of("slug", slug, "title", "Title of " + stem, "body", "Body of " + stem, "authorId", 7))
                .post("/posts")
                .then()
                .statusCode(201);
        return slug;
    }
}
