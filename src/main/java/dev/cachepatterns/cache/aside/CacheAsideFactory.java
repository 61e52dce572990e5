package dev.cachepatterns.cache.aside;

import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.runtime.ShutdownEvent;

import dev.cachepatterns.cache.core.CacheInfrastructure;
import dev.cachepatterns.cache.core.CacheMetrics;
import dev.cachepatterns.cache.core.Loader;

/** Builds {@link CacheAside} instances over the shared {@link CacheInfrastructure}. */
@ApplicationScoped
public class CacheAsideFactory {

    private final CacheInfrastructure shared;
    private final NearTiers nearTiers;

    public CacheAsideFactory(CacheInfrastructure shared, TrackingClients trackingClients) {
        this.shared = shared;
        this.nearTiers = new NearTiers(
                trackingClients,
                shared.redis(),
                shared.vertx(),
                shared.registry(),
                shared.multiKey().clustered(),
                shared.guard().stalls());
    }

    // At the start of shutdown, before the Redis client closes under the tracking connections (that would read as
    // a lost connection and start reconnecting).
    void stop(@Observes ShutdownEvent shutdown) {
        nearTiers.stopAll();
    }

    /**
     * A cache-aside cache named {@code name} (the {@code cache} tag of its metrics) over {@code loader}, with keys
     * rendered by {@code keyRenderer}.
     */
    public <K, V> CacheAside<K, V> create(
            String name,
            CacheAsideSettings settings,
            Class<V> type,
            Loader<K, V> loader,
            Function<K, String> keyRenderer) {
        return new CacheAside<>(
                name,
                settings,
                shared.codec(type),
                loader,
                keyRenderer,
                shared.redis(),
                shared.guard(),
                shared.limiter(),
                shared.lock(),
                shared.signals(),
                shared.multiKey(),
                new CacheMetrics(name, shared.registry()),
                nearTiers);
    }
}
