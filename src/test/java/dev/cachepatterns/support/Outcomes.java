package dev.cachepatterns.support;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/** What a {@link LoadDriver} recorded, with the summaries the fault tests assert on and log. */
public record Outcomes(List<Outcome> all) {

    public Outcomes with(Predicate<Outcome> filter) {
        return new Outcomes(all.stream().filter(filter).toList());
    }

    public Outcomes labelled(String prefix) {
        return with(outcome -> outcome.label().startsWith(prefix));
    }

    /** Requests that started at or after {@code nanos} (from {@link System#nanoTime()}). */
    public Outcomes startedAfter(long nanos) {
        return with(outcome -> outcome.startNanos() >= nanos);
    }

    public int size() {
        return all.size();
    }

    public long count(Predicate<Outcome> filter) {
        return all.stream().filter(filter).count();
    }

    public List<Outcome> matching(Predicate<Outcome> filter) {
        return all.stream().filter(filter).limit(10).toList();
    }

    public long maxLatencyMillis() {
        return all.stream().mapToLong(Outcome::latencyMillis).max().orElse(0);
    }

    public long percentileMillis(double percentile) {
        long[] sorted = all.stream().mapToLong(Outcome::latencyMillis).sorted().toArray();
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[(int) Math.min(sorted.length - 1, Math.ceil(percentile / 100 * sorted.length) - 1)];
    }

    /** Count per label and status, e.g. {@code {users.get={200=812}, inventory.put={200=40, 503=2}}}. */
    public Map<String, Map<Integer, Long>> statusesByLabel() {
        return all.stream()
                .collect(Collectors.groupingBy(
                        Outcome::label,
                        TreeMap::new,
                        Collectors.groupingBy(Outcome::status, TreeMap::new, Collectors.counting())));
    }

    public String summary() {
        return size() + " requests, p50 " + percentileMillis(50) + " ms, p99 " + percentileMillis(99) + " ms, max "
                + maxLatencyMillis() + " ms, " + statusesByLabel();
    }
}
