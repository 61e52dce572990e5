package dev.cachepatterns.showcase.demo;

import java.util.regex.Pattern;

/**
 * What the page shows on a demo's button (one entry of {@code GET /demo}): its id (the path segment of {@code POST
 * /demo/{id}}: lower-case letters and dashes), title, one sentence on what it does and what to watch, the size of a run
 * when the caller names none (reads, increments, scores), and the largest size a caller may ask for.
 */
public record DemoInfo(String id, String title, String description, int defaultSize, int maxSize) {

    private static final Pattern ID = Pattern.compile("[a-z][a-z-]{0,40}");

    public DemoInfo {
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("demo id must be lower-case letters and dashes: " + id);
        }
        if (maxSize < 1 || defaultSize < 1 || defaultSize > maxSize) {
            throw new IllegalArgumentException("demo " + id + ": sizes must satisfy 1 <= default <= max");
        }
    }
}
