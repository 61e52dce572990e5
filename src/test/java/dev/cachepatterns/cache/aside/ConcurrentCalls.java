package dev.cachepatterns.cache.aside;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;

/**
 * Many calls of a strategy started at once, the way concurrent requests start them: each is subscribed on a Vert.x
 * event-loop context, and the contexts are spread over the event loops (a context sticks to the thread that asks for
 * it, so the calls are dispatched from several threads). A test can wait until every call is subscribed before it lets
 * a held load finish, so all of them are truly concurrent. Shared by the cache-aside and write-through proofs.
 */
public final class ConcurrentCalls<T> {

    private static final int DISPATCH_THREADS = 8;

    private final List<CompletableFuture<T>> results;
    private final AtomicInteger subscribed;

    private ConcurrentCalls(List<CompletableFuture<T>> results, AtomicInteger subscribed) {
        this.results = results;
        this.subscribed = subscribed;
    }

    public static <T> ConcurrentCalls<T> start(Vertx vertx, int count, Supplier<Uni<T>> call) {
        List<CompletableFuture<T>> results = new ArrayList<>(count);
        AtomicInteger subscribed = new AtomicInteger();
        ExecutorService dispatchers = Executors.newFixedThreadPool(DISPATCH_THREADS);
        try {
            for (int i = 0; i < count; i++) {
                CompletableFuture<T> result = new CompletableFuture<>();
                results.add(result);
                dispatchers.execute(() -> vertx.getOrCreateContext().runOnContext(() -> {
                    call.get().subscribe().with(result::complete, result::completeExceptionally);
                    subscribed.incrementAndGet();
                }));
            }
        } finally {
            dispatchers.shutdown();
        }
        return new ConcurrentCalls<>(results, subscribed);
    }

    /** Whether every call has been subscribed (and so has joined whatever was in flight for its key). */
    public boolean allSubscribed() {
        return subscribed.get() == results.size();
    }

    /** The results in the order the calls were started; fails if any call failed or did not finish in time. */
    public List<T> join(Duration atMost) throws Exception {
        CompletableFuture.allOf(results.toArray(CompletableFuture[]::new))
                .get(atMost.toMillis(), TimeUnit.MILLISECONDS);
        return results.stream().map(CompletableFuture::join).toList();
    }
}
