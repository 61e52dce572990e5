package dev.cachepatterns.leaderboards.demo;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import dev.cachepatterns.support.DemosProfile;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

/** The leaderboard example's demo: scores on the board {@code demo}, then a rebuild from Postgres. */
@QuarkusTest
@TestProfile(DemosProfile.class)
class LeaderboardRefreshDemoTest {

    @Test
    void theBoardIsRebuiltAndCountsARefresh() {
        given().get("/demo").then().statusCode(200).body("id", hasItem("leaderboard-refresh"));

        given().post("/demo/leaderboard-refresh?size=12")
                .then()
                .statusCode(200)
                .body("figures.scores", equalTo(12))
                .body("figures.rebuilt", equalTo(1))
                .body("figures.refreshes", greaterThanOrEqualTo(1));

        given().get("/leaderboards/" + LeaderboardRefreshDemo.BOARD + "?limit=10")
                .then()
                .statusCode(200)
                .body("entries", not(empty()));
    }
}
