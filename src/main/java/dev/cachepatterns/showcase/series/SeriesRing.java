package dev.cachepatterns.showcase.series;

import java.util.ArrayList;
import java.util.List;

/** The last {@code capacity} points, oldest first; a new point beyond the capacity replaces the oldest. Thread-safe. */
final class SeriesRing {

    private final SeriesPoint[] points;
    private int next;
    private int size;

    SeriesRing(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive, was " + capacity);
        }
        this.points = new SeriesPoint[capacity];
    }

    synchronized void add(SeriesPoint point) {
        points[next] = point;
        next = (next + 1) % points.length;
        size = Math.min(size + 1, points.length);
    }

    /** The points after {@code sinceMillis} (all when it is 0), oldest first. */
    synchronized List<SeriesPoint> since(long sinceMillis) {
        List<SeriesPoint> found = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            SeriesPoint point = points[(next - size + i + points.length) % points.length];
            if (point.t() > sinceMillis) {
                found.add(point);
            }
        }
        return found;
    }

    int capacity() {
        return points.length;
    }
}
