package dev.cachepatterns.showcase.series;

import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SeriesRingTest {

    @Test
    void keepsTheLastPointsOldestFirstAndAnswersOnlyNewerOnes() {
        SeriesRing ring = new SeriesRing(3);
        for (long t = 1; t <= 5; t++) {
            ring.add(point(t));
        }

        assertThat(ring.since(0)).extracting(SeriesPoint::t).containsExactly(3L, 4L, 5L);
        assertThat(ring.since(4)).extracting(SeriesPoint::t).containsExactly(5L);
        assertThat(ring.since(5)).isEmpty();
    }

    @Test
    void ratesComeFromCounterDifferencesAndTheHitRatioCountsFallbacksAsMisses() {
        MeterTotals before = new MeterTotals(
                0,
                Map.of("users", new MeterTotals.CacheTotals(Map.of("hit", 10.0, "miss", 5.0), 0, 5, Histogram.EMPTY)),
                Map.of("posts", new MeterTotals.WriteBehindTotals(0.0, 0.0, 100)),
                Map.of("leaderboards", Map.of("schedule", 1.0)),
                0.0,
                Histogram.EMPTY);
        MeterTotals after = new MeterTotals(
                2000,
                Map.of("users", new MeterTotals.CacheTotals(Map.of("hit", 16.0, "miss", 7.0), 2, 7, Histogram.EMPTY)),
                Map.of("posts", new MeterTotals.WriteBehindTotals(40.0, 1.5, 160)),
                Map.of("leaderboards", Map.of("schedule", 2.0)),
                1.0,
                Histogram.EMPTY);

        SeriesPoint point = SeriesPoint.between(before, after);

        SeriesPoint.CachePoint users = point.caches().get("users");
        assertThat(users.reads())
                .containsEntry("hit", 3.0)
                .containsEntry("miss", 1.0)
                .containsEntry("fallback", 1.0);
        assertThat(users.hitRatio()).isEqualTo(0.6); // 6 hits of 10 reads (6 hits, 2 misses, 2 fallbacks)
        assertThat(users.loads()).isEqualTo(1.0);
        assertThat(users.loadP99Ms()).isNull();
        assertThat(point.writeBehind().get("posts")).isEqualTo(new SeriesPoint.WriteBehindPoint(40.0, 1.5, 30.0));
        assertThat(point.refreshAhead().get("leaderboards")).containsEntry("schedule", 0.5);
        assertThat(point.circuitOpen()).isEqualTo(1.0);
        assertThat(point.redisP99Ms()).isNull();
    }

    @Test
    void aCacheCreatedBetweenTwoReadingsCountsFromZero() {
        // Caches register their meters on first use: the reads that created it belong to the interval.
        MeterTotals before = new MeterTotals(0, Map.of(), Map.of(), Map.of(), 0.0, Histogram.EMPTY);
        MeterTotals after = new MeterTotals(
                1000,
                Map.of(
                        "users",
                        new MeterTotals.CacheTotals(
                                Map.of("miss", 1.0, "hit", 199.0),
                                0,
                                1,
                                new Histogram(1, new double[] {0.001, 0.01}, new double[] {0, 1}))),
                Map.of(),
                Map.of(),
                0.0,
                Histogram.EMPTY);

        SeriesPoint.CachePoint users =
                SeriesPoint.between(before, after).caches().get("users");

        assertThat(users.reads()).containsEntry("hit", 199.0).containsEntry("miss", 1.0);
        assertThat(users.loads()).isEqualTo(1.0);
        assertThat(users.loadP99Ms()).isBetween(1.0, 10.0);
    }

    private static SeriesPoint point(long t) {
        return new SeriesPoint(t, 0.0, null, Map.of(), Map.of(), Map.of());
    }
}
