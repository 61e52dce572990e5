package dev.cachepatterns.platform;

import java.util.List;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code metrics.latency-histograms.enabled=false} (the benchmark's baseline) leaves the latency timers without buckets. */
class LatencyHistogramsSwitchTest {

    private static final Meter.Id REDIS =
            new Meter.Id("cache.redis.command.duration", Tags.of("outcome", "success"), null, null, Meter.Type.TIMER);

    @Test
    void onTheTimersGetTheirFixedBuckets() {
        DistributionStatisticConfig config =
                new LatencyHistograms(() -> true).latencyBuckets().configure(REDIS, DistributionStatisticConfig.NONE);
        assertThat(config.getServiceLevelObjectiveBoundaries()).hasSize(11);
        assertThat(config.getServiceLevelObjectiveBoundaries()[6]).isEqualTo(10_000_000.0); // the alert's 10 ms
    }

    @Test
    void offTheTimersPublishNoBucketsEvenWhenTheyAskForAPercentileHistogram() {
        DistributionStatisticConfig asked = DistributionStatisticConfig.builder()
                .percentilesHistogram(true)
                .percentiles(0.5, 0.99)
                .build()
                .merge(DistributionStatisticConfig.DEFAULT);
        for (Meter.Id id :
                List.of(REDIS, REDIS.withName("http.server.requests"), REDIS.withName("cache.load.duration"))) {
            DistributionStatisticConfig config =
                    new LatencyHistograms(() -> false).latencyBuckets().configure(id, asked);
            assertThat(config.isPublishingHistogram()).as(id.getName()).isFalse();
            assertThat(config.getPercentiles())
                    .as("client-side percentiles stay")
                    .containsExactly(0.5, 0.99);
        }
    }

    @Test
    void offOtherTimersAreLeftAlone() {
        DistributionStatisticConfig asked =
                DistributionStatisticConfig.builder().percentilesHistogram(true).build();
        DistributionStatisticConfig config = new LatencyHistograms(() -> false)
                .latencyBuckets()
                .configure(REDIS.withName("some.other.timer"), asked);
        assertThat(config).isSameAs(asked);
    }
}
