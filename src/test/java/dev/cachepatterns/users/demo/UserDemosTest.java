package dev.cachepatterns.users.demo;

import jakarta.inject.Inject;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import dev.cachepatterns.support.DemosProfile;
import dev.cachepatterns.support.Metrics;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItems;

/** The users example's demos, through {@code POST /demo/{id}} as the page's buttons call them. */
@QuarkusTest
@TestProfile(DemosProfile.class)
class UserDemosTest {

    @Inject
    MeterRegistry registry;

    @Test
    void theDemosAreListedWithTheirBounds() {
        given().get("/demo")
                .then()
                .statusCode(200)
                .body("id", hasItems("stampede", "absent-burst"))
                .body("find { it.id == 'stampede' }.maxSize", org.hamcrest.Matchers.equalTo(500));
    }

    @Test
    void aStampedeOfConcurrentReadsOfAColdUserCostsOneDatabaseLoad() {
        double loadsBefore = new Metrics(registry).loads("users");

        int loads = given().post("/demo/stampede?size=200")
                .then()
                .statusCode(200)
                .body("id", org.hamcrest.Matchers.equalTo("stampede"))
                .body("figures.reads", org.hamcrest.Matchers.equalTo(200))
                .body("figures.answered", org.hamcrest.Matchers.equalTo(200))
                .body("summary", containsString("200 concurrent reads"))
                .extract()
                .path("figures.databaseLoads");

        assertThat(loads).isEqualTo(1);
        // The demo's figure is the meter's: one load for the cold key (delete evicts, it does not load).
        assertThat(new Metrics(registry).loads("users") - loadsBefore).isEqualTo(1);
    }

    @Test
    void aBurstForAMissingUserIsAnsweredByTheAbsentMarkerAfterOneLoad() {
        given().post("/demo/absent-burst?size=100")
                .then()
                .statusCode(200)
                .body("figures.reads", org.hamcrest.Matchers.equalTo(100))
                .body("figures.databaseLoads", org.hamcrest.Matchers.equalTo(1))
                .body("figures.absentHits", org.hamcrest.Matchers.equalTo(50));
    }

    @Test
    void sizesBeyondTheBoundAreRefused() {
        given().post("/demo/stampede?size=501")
                .then()
                .statusCode(400)
                .body("detail", containsString("between 1 and 500"));
        given().post("/demo/stampede?size=0").then().statusCode(400);
        given().post("/demo/stampede?size=lots").then().statusCode(400);
        given().post("/demo/no-such-demo").then().statusCode(404);
    }
}
