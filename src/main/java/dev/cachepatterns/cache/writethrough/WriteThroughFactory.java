package dev.cachepatterns.cache.writethrough;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.function.ToLongFunction;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

import dev.cachepatterns.cache.core.CacheInfrastructure;
import dev.cachepatterns.cache.core.Loader;

/**
 * Builds {@link WriteThrough} caches over the shared {@link CacheInfrastructure}, and
 * runs their repair (invalidating entries a failed write could not reach) every {@code cache.write-through.repair-interval}
 * (default 1s).
 */
@ApplicationScoped
public class WriteThroughFactory {

    private final CacheInfrastructure shared;
    private final List<WriteThrough<?, ?>> created = new CopyOnWriteArrayList<>();

    public WriteThroughFactory(CacheInfrastructure shared) {
        this.shared = shared;
    }

    /**
     * A write-through cache named {@code name} (the {@code cache} tag of its metrics) over {@code loader}, with keys
     * rendered by {@code keyRenderer} and versions read by {@code versionOf} (increasing with every committed change).
     */
    public <K, V> WriteThrough<K, V> create(
            String name,
            WriteThroughSettings settings,
            Class<V> type,
            Loader<K, V> loader,
            Function<K, String> keyRenderer,
            ToLongFunction<V> versionOf) {
        WriteThrough<K, V> cache = new WriteThrough<>(
                name,
                settings,
                shared.codec(type),
                loader,
                keyRenderer,
                versionOf,
                shared.redis(),
                shared.guard(),
                shared.limiter(),
                shared.lock(),
                shared.signals(),
                shared.registry());
        created.add(cache);
        return cache;
    }

    @Scheduled(
            every = "${cache.write-through.repair-interval:1s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> repairAll() {
        return Multi.createFrom()
                .iterable(created)
                .onItem()
                .transformToUniAndConcatenate(WriteThrough::repair)
                .onItem()
                .ignoreAsUni();
    }
}
