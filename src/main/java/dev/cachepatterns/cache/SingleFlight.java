package dev.cachepatterns.cache;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import io.smallrye.mutiny.Uni;

/** Collapses concurrent calls for one key inside this JVM into a single execution whose result all callers share. */
public final class SingleFlight<T> {

    private final ConcurrentMap<String, Uni<T>> inFlight = new ConcurrentHashMap<>();

    public Uni<T> run(String key, Supplier<Uni<T>> work) {
        return Uni.createFrom().deferred(() -> inFlight.computeIfAbsent(key, k -> share(k, work)));
    }

    private Uni<T> share(String key, Supplier<Uni<T>> work) {
        AtomicReference<Uni<T>> self = new AtomicReference<>();
        Uni<T> shared = Uni.createFrom()
                .deferred(work::get)
                .onTermination()
                .invoke(() -> inFlight.remove(key, self.get()))
                .memoize()
                .indefinitely();
        self.set(shared);
        return shared;
    }

    int inFlightCount() {
        return inFlight.size();
    }
}
