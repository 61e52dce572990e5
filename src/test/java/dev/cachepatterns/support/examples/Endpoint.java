package dev.cachepatterns.support.examples;

/**
 * A state-changing endpoint and a request that is valid for it: {@code path} is concrete, {@code body} is JSON or null
 * (no body), {@code success} the status a valid request gets.
 */
public record Endpoint(String method, String path, String body, int success) {

    @Override
    public String toString() {
        return method + " " + path;
    }
}
