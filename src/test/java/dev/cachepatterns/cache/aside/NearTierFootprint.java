package dev.cachepatterns.cache.aside;

import java.lang.management.ManagementFactory;
import java.lang.ref.Reference;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;
import javax.management.ObjectName;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * What an entry of the near tier really costs in heap, against what its memory bound weighs it: a tier filled with
 * {@code entries} users as the service caches them (key {@code cp:users:<id>}, the API's JSON), measured with a heap
 * class histogram (which collects garbage first) before and after. Prints the heap per entry, the weighed bytes per
 * entry, their ratio and the classes that make up the difference. Run it with {@code bench/near-footprint.sh}.
 */
final class NearTierFootprint {

    private NearTierFootprint() {}

    public static void main(String[] args) throws Exception {
        int entries = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        Histogram before = Histogram.take();
        Lease lease = new Lease();
        NearTier tier = NearTier.create(
                "footprint",
                new SimpleMeterRegistry(),
                new NearTier.Bounds(1L << 40, OptionalInt.empty(), Duration.ofHours(1), Duration.ofHours(1)),
                Coverage.of(lease),
                "cp:users:gen:current",
                () -> {});
        tier.goLive(lease, false, System.nanoTime() + Duration.ofHours(1).toNanos());
        long characters = 0;
        for (int id = 1; id <= entries; id++) {
            String key = "cp:users:" + id;
            String json = "{\"id\":" + id + ",\"name\":\"User " + id + "\",\"email\":\"user" + id
                    + "@example.com\",\"avatarUrl\":\"https://img.example.com/u/" + id + ".png\"}";
            characters += key.length() + json.length();
            tier.afterRead(tier.beforeRead(key), json);
        }
        long held = tier.size();
        long weighed = tier.weighedBytes();
        Histogram after = Histogram.take();
        Reference.reachabilityFence(tier);

        long heap = after.total() - before.total();
        System.out.printf(
                "entries held: %d of %d%nkey + JSON characters per entry: %.1f%nheap per entry (histogram): %.1f bytes%n"
                        + "weighed per entry (cache_near_bytes): %.1f bytes (overhead %d)%nheap / weighed: %.3f%n"
                        + "classes that grew (bytes per entry):%n",
                held,
                entries,
                (double) characters / entries,
                (double) heap / held,
                (double) weighed / held,
                EntryWeigher.OVERHEAD,
                (double) heap / weighed);
        after.bytes().entrySet().stream()
                .map(e -> Map.entry(e.getKey(), e.getValue() - before.bytes().getOrDefault(e.getKey(), 0L)))
                .filter(e -> e.getValue() > held)
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .limit(12)
                .forEach(e -> System.out.printf("  %8.1f  %s%n", (double) e.getValue() / held, e.getKey()));
    }

    /** A heap class histogram of this JVM ({@code jcmd <pid> GC.class_histogram}, through its MBean). */
    private record Histogram(long total, Map<String, Long> bytes) {

        static Histogram take() throws Exception {
            String text = (String) ManagementFactory.getPlatformMBeanServer()
                    .invoke(
                            new ObjectName("com.sun.management:type=DiagnosticCommand"),
                            "gcClassHistogram",
                            new Object[] {new String[0]},
                            new String[] {String[].class.getName()});
            Map<String, Long> bytes = new HashMap<>();
            long total = 0;
            for (String line : text.split("\n")) {
                String[] columns = line.trim().split("\\s+");
                if (columns.length >= 4 && columns[0].endsWith(":")) {
                    bytes.merge(columns[3], Long.parseLong(columns[2]), Long::sum);
                } else if (columns.length >= 3 && columns[0].equals("Total")) {
                    total = Long.parseLong(columns[2]);
                }
            }
            return new Histogram(total, bytes);
        }
    }
}
