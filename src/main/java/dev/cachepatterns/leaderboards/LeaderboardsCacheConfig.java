package dev.cachepatterns.leaderboards;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import dev.cachepatterns.cache.refreshahead.RefreshAheadSettings;

/** The {@code cache.leaderboards.*} section; the refresh-ahead defaults are documented on {@link RefreshAheadSettings}. */
@ConfigMapping(prefix = "cache.leaderboards")
public interface LeaderboardsCacheConfig extends RefreshAheadSettings {

    /** Largest {@code limit} a top-N read accepts. */
    @WithDefault("100")
    int maxLimit();

    /**
     * How often a watched board is read for its server-sent-events streams: one read per board and instance, whatever
     * the number of streams; each stream gets its top N only when it changed.
     */
    @WithDefault("1s")
    Duration streamInterval();

    /** How often each stream sends a comment line ({@code : keep-alive}), so idle proxies do not cut it. */
    @WithDefault("15s")
    Duration streamHeartbeat();

    /** Most streams open at once on one instance; one more is answered 503 with {@code stream-retry-after}. */
    @WithDefault("1000")
    int streamMaxOpen();

    /** The Retry-After of a stream refused because {@code stream-max-open} streams are open. */
    @WithDefault("5s")
    Duration streamRetryAfter();
}
