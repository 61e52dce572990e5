package dev.cachepatterns.leaderboard;

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

    /** How often a server-sent-events stream looks at its board; it sends the top N only when it changed. */
    @WithDefault("1s")
    Duration streamInterval();
}
