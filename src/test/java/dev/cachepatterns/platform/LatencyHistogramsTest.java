package dev.cachepatterns.platform;

import java.time.Duration;
import java.util.List;
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

/** The latency timers publish the fixed buckets Prometheus aggregates across instances ({@code histogram_quantile}). */
@QuarkusTest
class LatencyHistogramsTest {

    @Inject
    CacheAsideFactory caches;

    @Test
    void loadTimeAndRequestTimeHaveTheirFixedBuckets() {
        CacheAside<Long, String> cache = MemoryCache.create(caches, "buckets-test");
        cache.get(11L).await().atMost(Duration.ofSeconds(5));
        // Any request is timed; an unknown path is one that every service has.
        given().get("/no-such-resource").then().statusCode(404);
        String text = PrometheusText.scrape();

        assertThat(bounds(text, "cache_load_duration_seconds_bucket", "cache=\"buckets-test\""))
                .containsExactly(
                        "5.0E-4", "0.001", "0.002", "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1.0",
                        "2.5", "5.0", "+Inf");
        assertThat(bounds(text, "http_server_requests_seconds_bucket", "uri=\"NOT_FOUND\""))
                .hasSize(13)
                .contains("0.001", "5.0", "+Inf");
        assertThat(bounds(text, "cache_redis_command_duration_seconds_bucket", "outcome=\"success\""))
                .containsExactly(
                        "1.0E-4", "2.5E-4", "5.0E-4", "0.001", "0.002", "0.005", "0.01", "0.025", "0.05", "0.1", "0.25",
                        "+Inf");
        // The miss above made Redis calls (the lookup and the fill), each timed.
        assertThat(text)
                .containsPattern("(?m)^cache_redis_command_duration_seconds_count\\{outcome=\"success\"} [1-9]");
        // The client-side percentiles stay next to the buckets.
        assertThat(text).contains("cache_load_duration_seconds{cache=\"buckets-test\",quantile=\"0.99\"");
    }

    // The le values of the first series of `name` whose labels contain `label`, in order.
    private static List<String> bounds(String text, String name, String label) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{(.*)} \\S+$")
                .matcher(text);
        List<String> found = new java.util.ArrayList<>();
        String series = null;
        while (m.find()) {
            String labels = m.group(1);
            if (!labels.contains(label)) {
                continue;
            }
            String withoutLe = labels.replaceAll("le=\"[^\"]*\",?", "");
            if (series == null) {
                series = withoutLe;
            }
            if (series.equals(withoutLe)) {
                Matcher le = Pattern.compile("le=\"([^\"]*)\"").matcher(labels);
                if (le.find()) {
                    found.add(le.group(1));
                }
            }
        }
        return found;
    }
}
