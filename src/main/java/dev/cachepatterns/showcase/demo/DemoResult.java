package dev.cachepatterns.showcase.demo;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** What a demo found: one sentence, and its figures by name (in the order the demo put them). */
public record DemoResult(String summary, Map<String, Number> figures) {

    /** A result with figures given as name, number, name, number, ... */
    public static DemoResult of(String summary, Object... namesAndNumbers) {
        if (namesAndNumbers.length % 2 != 0) {
            throw new IllegalArgumentException("figures come in name, number pairs");
        }
        Map<String, Number> figures = new LinkedHashMap<>();
        for (int i = 0; i < namesAndNumbers.length; i += 2) {
            figures.put((String) namesAndNumbers[i], (Number) namesAndNumbers[i + 1]);
        }
        return new DemoResult(summary, Collections.unmodifiableMap(figures));
    }
}
