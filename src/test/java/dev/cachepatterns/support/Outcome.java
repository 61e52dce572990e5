package dev.cachepatterns.support;

/** One answered (or failed: status -1) request of a {@link LoadDriver}; times from {@link System#nanoTime()}. */
public record Outcome(
        String label,
        int status,
        long startNanos,
        long latencyNanos,
        String contentType,
        String retryAfter,
        String body) {

    public long latencyMillis() {
        return latencyNanos / 1_000_000;
    }

    public long endNanos() {
        return startNanos + latencyNanos;
    }

    public boolean isServerError() {
        return status >= 500 || status < 0;
    }

    /** A 503 as the API documents it: a problem document with Retry-After. */
    public boolean isDocumented503() {
        return status == 503
                && retryAfter != null
                && contentType != null
                && contentType.startsWith("application/problem+json");
    }

    @Override
    public String toString() {
        String shortBody = body == null ? "" : body.substring(0, Math.min(body.length(), 200));
        return label + " " + status + " in " + latencyMillis() + " ms " + shortBody;
    }
}
