package dev.cachepatterns.showcase;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.inject.Inject;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import dev.cachepatterns.cache.aside.CacheAside;
import dev.cachepatterns.cache.aside.CacheAsideFactory;
import dev.cachepatterns.support.MemoryCache;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasItem;

@QuarkusTest
class DashboardTest {

    @Test
    void thePageIsServedAtTheRoot() {
        given().get("/")
                .then()
                .statusCode(200)
                .contentType(containsString("text/html"))
                .body(containsString("id=\"board-entries\""))
                .body(containsString("/q/swagger-ui"));
        given().get("/app.js").then().statusCode(200).body(containsString("EventSource"));
        given().get("/plots.js").then().statusCode(200).body(containsString("/dashboard/series"));
        given().get("/demos.js").then().statusCode(200).body(containsString("/demo"));
    }

    @Test
    void theChartingLibraryThePageNamesIsServed() {
        // index.html names the WebJar's version: a version bump in the pom must bump it there too.
        String page = given().get("/").then().statusCode(200).extract().asString();
        Matcher script = Pattern.compile("src=\"(/webjars/uplot/[^\"]+)\"").matcher(page);
        Matcher style = Pattern.compile("href=\"(/webjars/uplot/[^\"]+)\"").matcher(page);
        assertThat(script.find()).as("uPlot script in index.html").isTrue();
        assertThat(style.find()).as("uPlot style in index.html").isTrue();
        given().get(script.group(1)).then().statusCode(200).body(containsString("uPlot"));
        given().get(style.group(1)).then().statusCode(200).body(containsString(".uplot"));
    }

    @Inject
    CacheAsideFactory caches;

    @Test
    void statsReportPerCacheHitsAndLoads() {
        CacheAside<Long, String> cache = MemoryCache.create(caches, "dashboard-test");
        cache.get(7L).await().atMost(Duration.ofSeconds(5));
        cache.get(7L).await().atMost(Duration.ofSeconds(5));

        given().get("/dashboard/stats")
                .then()
                .statusCode(200)
                .body("caches.cache", hasItem("dashboard-test"))
                .body("caches.find { it.cache == 'dashboard-test' }.hits", greaterThan(0))
                .body("caches.find { it.cache == 'dashboard-test' }.loads", equalTo(1))
                .body("caches.find { it.cache == 'dashboard-test' }.hitRatio", greaterThan(0f))
                .body("writeBehind.pending", greaterThanOrEqualTo(0))
                .body("redisCircuit", containsString("c"));
    }
}
