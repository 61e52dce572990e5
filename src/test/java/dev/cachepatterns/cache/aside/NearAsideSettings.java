package dev.cachepatterns.cache.aside;

import java.time.Duration;

/** A test's cache-aside settings with a near tier. */
record NearAsideSettings(TestAsideSettings base, NearSettings near) implements CacheAsideSettings {

    @Override
    public boolean rewarmOnWrite() {
        return base.rewarmOnWrite();
    }

    @Override
    public boolean enabled() {
        return base.enabled();
    }

    @Override
    public String keyPrefix() {
        return base.keyPrefix();
    }

    @Override
    public Duration ttl() {
        return base.ttl();
    }

    @Override
    public double ttlJitter() {
        return base.ttlJitter();
    }

    @Override
    public Duration negativeTtl() {
        return base.negativeTtl();
    }

    @Override
    public Duration lockLease() {
        return base.lockLease();
    }

    @Override
    public Duration lockWait() {
        return base.lockWait();
    }
}
