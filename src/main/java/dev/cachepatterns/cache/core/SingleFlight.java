package dev.cachepatterns.cache.core;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;

import io.smallrye.mutiny.Uni;

import dev.cachepatterns.cache.Internal;

/**
 * Collapses concurrent calls for one key inside this JVM into a single execution whose result all callers share.
 *
 * <p>The first caller runs the work and completes a future; every caller, the first included, gets a Uni of its own
 * over a copy of that future. A memoized Uni shared by callers on several event loops let a caller that joined while
 * the result was being delivered receive the item before its subscription (seen under load as a flatMap handed the
 * result of the step after it), and a copy per caller keeps one caller's cancellation from cancelling the others.
 */
@Internal
public final class SingleFlight<T> {

    private final ConcurrentMap<String, CompletableFuture<T>> inFlight = new ConcurrentHashMap<>();

    public Uni<T> run(String key, Supplier<Uni<T>> work) {
        return Uni.createFrom().deferred(() -> {
            CompletableFuture<T> mine = new CompletableFuture<>();
            CompletableFuture<T> running = inFlight.putIfAbsent(key, mine);
            if (running == null) {
                start(key, mine, work);
                running = mine;
            }
            return Uni.createFrom().completionStage(running.copy());
        });
    }

    // Leaves the map before completing, so a call that comes after the result starts a new flight.
    private void start(String key, CompletableFuture<T> result, Supplier<Uni<T>> work) {
        Uni<T> flight;
        try {
            flight = work.get();
        } catch (RuntimeException e) {
            flight = Uni.createFrom().failure(e);
        }
        flight.subscribe()
                .with(
                        item -> {
                            inFlight.remove(key, result);
                            result.complete(item);
                        },
                        failure -> {
                            inFlight.remove(key, result);
                            result.completeExceptionally(failure);
                        });
    }

    public int inFlightCount() {
        return inFlight.size();
    }
}
