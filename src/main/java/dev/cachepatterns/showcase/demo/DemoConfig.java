package dev.cachepatterns.showcase.demo;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The one-click demos of the page at {@code /} ({@code /demo/*}). */
@ConfigMapping(prefix = "demo")
public interface DemoConfig {

    /**
     * Off by default: every {@code /demo} path answers 404 as if it did not exist. {@code application.properties} turns
     * it on in dev mode; a packaged app needs {@code DEMO_ENABLED=true}.
     */
    @WithDefault("false")
    boolean enabled();

    /** The smallest pause between the start of one run and the next, over all demos of this instance. */
    @WithDefault("1s")
    Duration minInterval();

    /** A run taking longer fails with 504 (the work it started is bounded by its size anyway). */
    @WithDefault("30s")
    Duration timeout();
}
