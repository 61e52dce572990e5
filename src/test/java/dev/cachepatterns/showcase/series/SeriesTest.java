package dev.cachepatterns.showcase.series;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.cachepatterns.cache.aside.CacheAside;
import dev.cachepatterns.cache.aside.CacheAsideFactory;
import dev.cachepatterns.support.MemoryCache;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code GET /dashboard/series}: the plots' data, from the same meters as {@code /q/metrics}. */
@QuarkusTest
class SeriesTest {

    @Inject
    CacheAsideFactory caches;

    @Test
    void readsOfACacheShowUpAsRatesHitRatioLoadsAndLoadLatency() {
        CacheAside<Long, String> cache = MemoryCache.create(caches, "series-test");
        long start = System.currentTimeMillis();
        for (int i = 0; i < 3; i++) {
            cache.get(9L).await().atMost(Duration.ofSeconds(5));
        }

        // Only the points since the start (the test looks at no others): the whole window holds up to 2400 points, and
        // validating such a body against the API document (support/contract) takes seconds on a busy machine.
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonPath series = given().get("/dashboard/series?since=" + start)
                    .then()
                    .statusCode(200)
                    .extract()
                    .jsonPath();
            assertThat(series.getList("caches", String.class)).contains("series-test");
            assertThat(series.getLong("intervalMillis")).isEqualTo(250);
            List<Map<String, Object>> users =
                    series.getList("points.findAll { it.t > " + start + " }.caches.'series-test'");
            assertThat(users).anySatisfy(point -> {
                @SuppressWarnings("unchecked")
                Map<String, Number> reads = (Map<String, Number>) point.get("reads");
                assertThat(reads.get("hit").doubleValue()).isPositive();
            });
            assertThat(users).anySatisfy(point -> {
                assertThat(((Number) point.get("loads")).doubleValue()).isPositive();
                assertThat(((Number) point.get("loadP99Ms")).doubleValue()).isPositive();
            });
            // 0 or 1 (earlier tests or a slow machine may have opened the circuit within the window).
            assertThat(series.getList("points.circuitOpen", Float.class))
                    .isNotEmpty()
                    .allMatch(open -> open == 0f || open == 1f);
        });
    }

    @Test
    void sinceAnswersOnlyNewerPointsAndTheRingStaysBounded() {
        long start = System.currentTimeMillis();
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> given().get("/dashboard/series?since=" + start)
                                .then()
                                .extract()
                                .jsonPath()
                                .getList("points")
                                .size()
                        >= 2);
        JsonPath all = given().get("/dashboard/series").then().extract().jsonPath();
        List<Long> times = all.getList("points.t", Long.class);
        long last = times.get(times.size() - 1);
        assertThat(times).isSorted();
        assertThat(all.getLong("windowMillis")).isEqualTo(600_000);
        assertThat(times.size()).isLessThanOrEqualTo(2400);

        List<Long> newer = given().get("/dashboard/series?since=" + last)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("points.t", Long.class);
        assertThat(newer).allMatch(t -> t > last);

        given().get("/dashboard/series?since=-1").then().statusCode(400);
        given().get("/dashboard/series?since=yesterday").then().statusCode(400);
    }
}
