package dev.cachepatterns.showcase;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.cachepatterns.cache.redis.RedisGuard;

/** Cache statistics for the page at {@code /}; Prometheus at {@code /q/metrics} remains the source for monitoring. */
@Path("/dashboard/stats")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "dashboard", description = "Numbers for the page at /")
public class DashboardResource {

    private final MeterRegistry registry;
    private final RedisGuard guard;

    public DashboardResource(MeterRegistry registry, RedisGuard guard) {
        this.registry = registry;
        this.guard = guard;
    }

    @GET
    @Operation(
            operationId = "getDashboardStats",
            summary = "Per-cache hits, misses, loads and hit ratio, and the write-behind backlog")
    @APIResponse(
            responseCode = "200",
            description = "This instance's numbers",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = DashboardStats.class)))
    public DashboardStats stats() {
        TreeSet<String> caches = new TreeSet<>();
        registry.find("cache.gets")
                .meters()
                .forEach(meter -> caches.add(meter.getId().getTag("cache")));
        List<DashboardStats.CacheStats> perCache =
                caches.stream().map(this::cacheStats).toList();
        DashboardStats.WriteBehindStats writeBehind = new DashboardStats.WriteBehindStats(
                (long) sum("write.behind.pending", Map.of()),
                sum("write.behind.lag", Map.of()),
                (long) sum("write.behind.flushed", Map.of()),
                (long) sum("write.behind.dead", Map.of()));
        return new DashboardStats(
                perCache, writeBehind, guard.circuitState().name().toLowerCase());
    }

    private DashboardStats.CacheStats cacheStats(String cache) {
        // Hits from Redis and from the near tier (the JVM) alike: both spared the database.
        long hits = (long) sum("cache.gets", Map.of("cache", cache, "result", "hit"))
                + (long) sum("cache.gets", Map.of("cache", cache, "result", "near_hit"));
        long negativeHits = (long) sum("cache.gets", Map.of("cache", cache, "result", "negative_hit"));
        long stale = (long) sum("cache.gets", Map.of("cache", cache, "result", "stale"));
        long misses = (long) sum("cache.gets", Map.of("cache", cache, "result", "miss"));
        long fallbacks = (long) sum("cache.fallbacks", Map.of("cache", cache));
        long loads = (long) sum("cache.loads", Map.of("cache", cache));
        long answered = hits + negativeHits + stale;
        long total = answered + misses + fallbacks;
        double ratio = total == 0 ? 0 : (double) answered / total;
        return new DashboardStats.CacheStats(cache, hits + stale, misses, negativeHits, loads, fallbacks, ratio);
    }

    // Sums counters, function counters and gauges whose name starts with the given one (so "write.behind.lag" finds
    // "write.behind.lag.seconds"), restricted to the given tags.
    private double sum(String namePrefix, Map<String, String> tags) {
        double total = 0;
        for (Meter meter : registry.getMeters()) {
            if (!meter.getId().getName().startsWith(namePrefix) || !hasTags(meter, tags)) {
                continue;
            }
            if (meter instanceof Counter counter) {
                total += counter.count();
            } else if (meter instanceof FunctionCounter counter) {
                total += counter.count();
            } else if (meter instanceof Gauge gauge && !Double.isNaN(gauge.value())) {
                total += gauge.value();
            }
        }
        return total;
    }

    private static boolean hasTags(Meter meter, Map<String, String> tags) {
        Map<String, String> actual = new TreeMap<>();
        meter.getId().getTags().forEach(tag -> actual.put(tag.getKey(), tag.getValue()));
        return tags.entrySet().stream().allMatch(e -> e.getValue().equals(actual.get(e.getKey())));
    }
}
