package dev.cachepatterns.showcase.series;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The in-memory time series behind the plots on the page at {@code /} ({@code GET /dashboard/series}). */
@ConfigMapping(prefix = "dashboard.series")
public interface SeriesConfig {

    /** Whether the meters are sampled at all; off, the endpoint answers an empty series. */
    @WithDefault("true")
    boolean enabled();

    /** Time between two samples: the resolution of the plots. */
    @WithDefault("2s")
    Duration interval();

    /** How far back the ring reaches; it holds {@code window / interval} points (at most 3600) per instance. */
    @WithDefault("10m")
    Duration window();
}
