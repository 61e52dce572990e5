package dev.cachepatterns.showcase.demo;

import java.time.Instant;
import java.util.Map;

/** The answer of {@code POST /demo/{id}}. */
public record DemoRun(
        String id, int size, Instant startedAt, long durationMillis, String summary, Map<String, Number> figures) {}
