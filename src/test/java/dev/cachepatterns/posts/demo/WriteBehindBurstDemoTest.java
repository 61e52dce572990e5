package dev.cachepatterns.posts.demo;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import dev.cachepatterns.support.DemosProfile;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

/** The posts example's demo: a burst of views, all acknowledged, then all flushed to Postgres. */
@QuarkusTest
@TestProfile(DemosProfile.class)
class WriteBehindBurstDemoTest {

    @Test
    void everyAcceptedViewReachesPostgres() {
        given().get("/demo").then().statusCode(200).body("id", hasItem("write-behind-burst"));
        long before = views();

        given().post("/demo/write-behind-burst?size=300")
                .then()
                .statusCode(200)
                .body("figures.sent", equalTo(300))
                .body("figures.accepted", equalTo(300))
                .body("figures.flushed", equalTo(300));

        // Postgres has them (the figure above), and so does the API (nothing pending is counted twice).
        given().get("/posts/" + WriteBehindBurstDemo.SLUG)
                .then()
                .statusCode(200)
                .body("views", equalTo((int) before + 300));
    }

    private static long views() {
        int status = given().get("/posts/" + WriteBehindBurstDemo.SLUG).statusCode();
        return status == 404
                ? 0
                : ((Number) given().get("/posts/" + WriteBehindBurstDemo.SLUG).path("views")).longValue();
    }
}
