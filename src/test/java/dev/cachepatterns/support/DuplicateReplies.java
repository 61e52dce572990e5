package dev.cachepatterns.support;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The answers to requests carrying one {@code Idempotency-Key}, all sent at once: which one applied (a success without
 * {@code Idempotent-Replayed}), which were replays of it, and which were told the first was still in progress (409).
 */
public record DuplicateReplies(List<HttpResponse<String>> all) {

    /** Sends every request without waiting for any answer, then waits for all of them. */
    public static DuplicateReplies sendAtOnce(HttpClient client, List<HttpRequest> requests) {
        List<CompletableFuture<HttpResponse<String>>> sent = requests.stream()
                .map(request -> client.sendAsync(request, HttpResponse.BodyHandlers.ofString()))
                .toList();
        return new DuplicateReplies(sent.stream().map(CompletableFuture::join).toList());
    }

    /** The successes that were not replays: exactly one when the key did its job. */
    public List<HttpResponse<String>> applied() {
        return all.stream()
                .filter(r -> r.statusCode() / 100 == 2 && !replayed(r))
                .toList();
    }

    public long replayed() {
        return all.stream().filter(DuplicateReplies::replayed).count();
    }

    public long inProgress() {
        return all.stream().filter(r -> r.statusCode() == 409).count();
    }

    /** One line for the test's output (the split between replays and 409s depends on timing). */
    public String summary(String what) {
        return String.format(
                "idempotency %s: %d duplicates, %d applied, %d replayed, %d in progress (409)",
                what, all.size(), applied().size(), replayed(), inProgress());
    }

    private static boolean replayed(HttpResponse<String> response) {
        return response.headers().firstValue("Idempotent-Replayed").isPresent();
    }
}
