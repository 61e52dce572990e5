package dev.cachepatterns.platform;

import java.util.ArrayList;
import java.util.List;

/** Parses identifiers from paths and query strings, answering bad input with a 400 problem instead of a 500 or 404. */
public final class PathParams {

    private static final int MAX_ID_DIGITS = 18;

    private PathParams() {}

    /** A positive long id, or a 400 problem naming {@code name}. */
    public static long positiveId(String raw, String name) {
        if (raw == null || raw.isEmpty() || raw.length() > MAX_ID_DIGITS) {
            throw ProblemException.badRequest(name + " must be a positive integer");
        }
        long value = 0;
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c < '0' || c > '9') {
                throw ProblemException.badRequest(name + " must be a positive integer");
            }
            value = value * 10 + (c - '0');
        }
        if (value <= 0) {
            throw ProblemException.badRequest(name + " must be a positive integer");
        }
        return value;
    }

    /** A comma-separated list of 1 to {@code max} positive ids. */
    public static List<Long> positiveIds(String raw, String name, int max) {
        if (raw == null || raw.isBlank()) {
            throw ProblemException.badRequest(name + " is required: a comma-separated list of positive integers");
        }
        // Cheap guard before splitting, so a huge parameter costs no allocation per element.
        if (raw.length() > max * (MAX_ID_DIGITS + 1)) {
            throw ProblemException.badRequest(name + " accepts at most " + max + " ids");
        }
        String[] parts = raw.split(",", -1);
        if (parts.length > max) {
            throw ProblemException.badRequest(name + " accepts at most " + max + " ids");
        }
        List<Long> ids = new ArrayList<>(parts.length);
        for (String part : parts) {
            ids.add(positiveId(part.trim(), name + " element"));
        }
        return ids;
    }
}
