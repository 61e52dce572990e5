package dev.cachepatterns.showcase.series;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class HistogramTest {

    private static final double[] BOUNDS = {0.001, 0.002, 0.005, 0.010};

    @Test
    void theQuantileIsInterpolatedInsideItsBucketLikeHistogramQuantile() {
        // 100 recordings: 50 under 1 ms, 40 in (1, 2] ms, 10 in (2, 5] ms.
        Histogram h = new Histogram(100, BOUNDS, new double[] {50, 90, 100, 100});

        assertThat(h.quantile(0.5)).isCloseTo(0.001, within(1e-12));
        assertThat(h.quantile(0.7)).isCloseTo(0.0015, within(1e-12));
        assertThat(h.quantile(0.99)).isCloseTo(0.002 + 0.003 * 0.9, within(1e-12));
    }

    @Test
    void theDifferenceOfTwoSnapshotsIsTheIntervalBetweenThem() {
        Histogram before = new Histogram(100, BOUNDS, new double[] {100, 100, 100, 100});
        Histogram after = new Histogram(110, BOUNDS, new double[] {100, 100, 100, 110});

        Histogram interval = after.since(before);

        assertThat(interval.count()).isEqualTo(10);
        // All ten new recordings lie in (5, 10] ms: the earlier fast ones do not pull the p99 down.
        assertThat(interval.quantile(0.99)).isBetween(0.005, 0.010);
        assertThat(before.since(before).quantile(0.99)).isNaN();
    }

    @Test
    void aQuantileAboveEveryBucketIsTheLargestBoundAndTimersAddUp() {
        Histogram slow = new Histogram(10, BOUNDS, new double[] {0, 0, 0, 0});
        assertThat(slow.quantile(0.99)).isEqualTo(0.010);

        Histogram sum = Histogram.EMPTY.plus(slow).plus(new Histogram(10, BOUNDS, new double[] {10, 10, 10, 10}));
        assertThat(sum.count()).isEqualTo(20);
        assertThat(sum.cumulativeCounts()).containsExactly(10, 10, 10, 10);
        assertThat(Histogram.EMPTY.quantile(0.5)).isNaN();
    }
}
