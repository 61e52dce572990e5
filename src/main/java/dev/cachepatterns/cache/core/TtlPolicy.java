package dev.cachepatterns.cache.core;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

import dev.cachepatterns.cache.Internal;

/** A TTL with jitter: each call returns a duration spread uniformly over {@code base × (1 ± spread)}. */
@Internal
public record TtlPolicy(Duration base, double spread) {

    public TtlPolicy {
        if (spread < 0 || spread >= 1) {
            throw new IllegalArgumentException("TTL jitter must be in [0, 1), was " + spread);
        }
    }

    public long nextMillis() {
        long baseMillis = base.toMillis();
        if (spread == 0) {
            return baseMillis;
        }
        double factor = 1 + ThreadLocalRandom.current().nextDouble(-spread, spread);
        return Math.max(1, Math.round(baseMillis * factor));
    }

    public long minMillis() {
        return Math.round(base.toMillis() * (1 - spread));
    }

    public long maxMillis() {
        return Math.round(base.toMillis() * (1 + spread));
    }
}
