package dev.cachepatterns.platform;

import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.cachepatterns.support.Management;

/** Reads single samples out of the Prometheus text that /q/metrics serves, the way Prometheus would see them. */
final class PrometheusText {

    private PrometheusText() {}

    static String scrape() {
        return Management.given()
                .get("/q/metrics")
                .then()
                .statusCode(200)
                .extract()
                .asString();
    }

    /** The value of the first sample of {@code name} (any labels), if the metric is there. */
    static OptionalDouble sample(String text, String name) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "(?:\\{[^}]*})? (\\S+)")
                .matcher(text);
        if (!m.find()) {
            return OptionalDouble.empty();
        }
        String value = m.group(1);
        return OptionalDouble.of(value.equals("NaN") ? Double.NaN : Double.parseDouble(value));
    }

    static double value(String name) {
        return sample(scrape(), name).orElseThrow(() -> new AssertionError(name + " is not in /q/metrics"));
    }
}
