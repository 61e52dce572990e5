package dev.cachepatterns.showcase.series;

import java.util.Arrays;

import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;

/**
 * The buckets of one timer as Prometheus scrapes them: upper bounds in seconds and the cumulative count of recordings at
 * or under each, since start. The difference of two snapshots gives the distribution of one interval, and {@link
 * #quantile} reads a quantile from it the way PromQL's {@code histogram_quantile} does.
 */
record Histogram(double count, double[] upperBoundsSeconds, double[] cumulativeCounts) {

    static final Histogram EMPTY = new Histogram(0, new double[0], new double[0]);

    static Histogram of(HistogramSnapshot snapshot) {
        CountAtBucket[] buckets = snapshot.histogramCounts();
        double[] bounds = new double[buckets.length];
        double[] counts = new double[buckets.length];
        for (int i = 0; i < buckets.length; i++) {
            bounds[i] = buckets[i].bucket(java.util.concurrent.TimeUnit.SECONDS);
            counts[i] = buckets[i].count();
        }
        return new Histogram(snapshot.count(), bounds, counts);
    }

    /** Adds another histogram with the same buckets (e.g. the same timer with other tags); else keeps this one. */
    Histogram plus(Histogram other) {
        if (count == 0 && upperBoundsSeconds.length == 0) {
            return other;
        }
        if (!Arrays.equals(upperBoundsSeconds, other.upperBoundsSeconds)) {
            return this;
        }
        double[] sum = cumulativeCounts.clone();
        for (int i = 0; i < sum.length; i++) {
            sum[i] += other.cumulativeCounts[i];
        }
        return new Histogram(count + other.count, upperBoundsSeconds, sum);
    }

    /** What was recorded after {@code earlier} (a snapshot of the same timer); empty when the buckets differ. */
    Histogram since(Histogram earlier) {
        if (!Arrays.equals(upperBoundsSeconds, earlier.upperBoundsSeconds)) {
            return earlier.upperBoundsSeconds.length == 0 ? this : EMPTY;
        }
        double[] delta = new double[cumulativeCounts.length];
        for (int i = 0; i < delta.length; i++) {
            delta[i] = Math.max(0, cumulativeCounts[i] - earlier.cumulativeCounts[i]);
        }
        return new Histogram(Math.max(0, count - earlier.count), upperBoundsSeconds, delta);
    }

    /**
     * The {@code q} quantile in seconds, interpolated linearly inside its bucket (the lower bound of the first bucket is
     * 0); the largest finite bound when it lies above every bucket; NaN without recordings.
     */
    double quantile(double q) {
        if (count <= 0 || upperBoundsSeconds.length == 0) {
            return Double.NaN;
        }
        double rank = q * count;
        double lowerBound = 0;
        double lowerCount = 0;
        for (int i = 0; i < upperBoundsSeconds.length; i++) {
            double upperCount = cumulativeCounts[i];
            if (upperCount >= rank && upperCount > lowerCount) {
                double fraction = (rank - lowerCount) / (upperCount - lowerCount);
                return lowerBound + (upperBoundsSeconds[i] - lowerBound) * fraction;
            }
            lowerBound = upperBoundsSeconds[i];
            lowerCount = upperCount;
        }
        return upperBoundsSeconds[upperBoundsSeconds.length - 1];
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Histogram h
                && h.count == count
                && Arrays.equals(h.upperBoundsSeconds, upperBoundsSeconds)
                && Arrays.equals(h.cumulativeCounts, cumulativeCounts);
    }

    @Override
    public int hashCode() {
        return Double.hashCode(count) * 31 + Arrays.hashCode(cumulativeCounts);
    }

    @Override
    public String toString() {
        return "Histogram[count=" + count + ", buckets=" + upperBoundsSeconds.length + "]";
    }
}
