package dev.cachepatterns.cache.aside;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import io.smallrye.mutiny.Uni;

/**
 * A cache that follows its source keeps its entries under a key generation ({@link Generations}), and cannot name them
 * before it has read it: until then each call reads the generation first, then goes through Redis, or bypasses it when
 * Redis did not answer. Once the generation is known this is one check per call.
 */
final class GenerationGate<K, V> implements AsideRoute<K, V> {

    private final Generations generations;
    private final AsideRoute<K, V> cached;
    private final AsideRoute<K, V> bypass;

    GenerationGate(Generations generations, AsideRoute<K, V> cached, AsideRoute<K, V> bypass) {
        this.generations = generations;
        this.cached = cached;
        this.bypass = bypass;
    }

    @Override
    public Uni<Optional<V>> get(K id) {
        return route(route -> route.get(id));
    }

    @Override
    public Uni<Optional<String>> getJson(K id) {
        return route(route -> route.getJson(id));
    }

    @Override
    public Uni<Map<K, V>> getAll(List<K> ids) {
        return route(route -> route.getAll(ids));
    }

    @Override
    public Uni<Void> invalidate(K id) {
        return route(route -> route.invalidate(id));
    }

    @Override
    public Uni<Void> evict(K id) {
        return route(route -> route.evict(id));
    }

    @Override
    public Uni<Void> changedAtSource(K id, boolean inserted) {
        return route(route -> route.changedAtSource(id, inserted));
    }

    private <T> Uni<T> route(Function<AsideRoute<K, V>, Uni<T>> call) {
        if (generations.known()) {
            return call.apply(cached);
        }
        return generations.refresh().flatMap(known -> call.apply(known ? cached : bypass));
    }
}
