package dev.cachepatterns.cache.aside;

import java.time.Duration;
import java.util.OptionalInt;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import dev.cachepatterns.cache.core.EntryFormat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The near tier is bounded by memory: what it holds, weighed as {@code cache_near_bytes} reports it, never exceeds
 * {@code max-memory}, given as a size or a share of the heap; {@code max-entries} is a second bound; and near tiers that
 * may take too much of the heap together are reported.
 */
class NearTierBoundsTest {

    private static final String PREFIX = "cp:test-near-bounds:";
    private final MeterRegistry registry = new SimpleMeterRegistry();

    @Test
    void whatTheTierHoldsNeverWeighsMoreThanItsMemoryBound() {
        long maxBytes = 64 * 1024;
        NearTier tier =
                live(new NearTier.Bounds(maxBytes, OptionalInt.empty(), Duration.ofMinutes(1), Duration.ofMinutes(1)));
        String value = "{\"id\":1,\"name\":\"" + "x".repeat(200) + "\"}";
        long perEntry = EntryWeigher.OVERHEAD + (PREFIX + "1000").length() + value.length();

        for (int i = 1000; i < 3000; i++) {
            hold(tier, PREFIX + i, value);
            assertThat(tier.weighedBytes()).isLessThanOrEqualTo(maxBytes);
        }

        assertThat(tier.size()).isBetween(maxBytes / perEntry / 2, maxBytes / perEntry);
        assertThat(gauge("cache.near.bytes")).isEqualTo(tier.weighedBytes()).isPositive();
        assertThat(gauge("cache.near.entries")).isEqualTo(tier.size());
    }

    @Test
    void anEntryWeighsItsCharactersTwiceWhenTheyAreNotLatin1() {
        EntryWeigher weigher = new EntryWeigher(1 << 20, OptionalInt.empty());

        assertThat(weigher.weigh("k", "{\"name\":\"Ada\"}")).isEqualTo(EntryWeigher.OVERHEAD + 1 + 14);
        assertThat(weigher.weigh("k", "{\"name\":\"Ωmega\"}")).isEqualTo(EntryWeigher.OVERHEAD + 1 + 2 * 16);
        assertThat(weigher.weigh("k", EntryFormat.absentEntry()))
                .isEqualTo(EntryWeigher.OVERHEAD + 1 + EntryFormat.absentEntry().length());
    }

    @Test
    void maxEntriesIsASecondBound() {
        NearTier tier =
                live(new NearTier.Bounds(1 << 20, OptionalInt.of(10), Duration.ofMinutes(1), Duration.ofMinutes(1)));

        for (int i = 0; i < 100; i++) {
            hold(tier, PREFIX + i, EntryFormat.absentEntry());
        }

        assertThat(tier.size()).isBetween(1L, 10L);
    }

    @Test
    void aBoundIsASizeOrAShareOfTheHeap() {
        long heap = 192L << 20;
        assertThat(MemoryBound.of("64M").bytesOf(heap)).isEqualTo(64L << 20);
        assertThat(MemoryBound.of("512k").bytesOf(heap)).isEqualTo(512L << 10);
        assertThat(MemoryBound.of("1GB").bytesOf(heap)).isEqualTo(1L << 30);
        assertThat(MemoryBound.of("1000").bytesOf(heap)).isEqualTo(1000);
        assertThat(MemoryBound.of("10%").bytesOf(heap)).isEqualTo(heap / 10);
        assertThat(MemoryBound.of(" 2.5 % ").bytesOf(heap)).isEqualTo((long) (heap * 0.025));
        for (String wrong : new String[] {"", "ten", "-5M", "0%", "150%", "5T", "0"}) {
            assertThatThrownBy(() -> MemoryBound.of(wrong)).as(wrong).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void tiersThatTogetherMayTakeMoreThanAQuarterOfTheHeapAreReportedOnce() {
        long heap = 100L << 20;
        HeapBudget budget = new HeapBudget(heap);

        assertThat(budget.add("users", heap / 10)).isEmpty();
        assertThat(budget.add("posts", heap / 10)).isEmpty();
        assertThat(budget.add("orders", heap / 10))
                .hasValueSatisfying(
                        warning -> assertThat(warning).contains("orders").contains("25%"));
        assertThat(budget.add("more", heap / 10)).isEmpty();
    }

    private NearTier live(NearTier.Bounds bounds) {
        Lease lease = new Lease();
        NearTier tier = NearTier.create(
                "test-near-bounds", registry, bounds, Coverage.of(lease), PREFIX + "gen:current", () -> {});
        tier.goLive(lease, false, System.nanoTime() + Duration.ofMinutes(1).toNanos());
        return tier;
    }

    private static void hold(NearTier tier, String key, String raw) {
        tier.afterRead(tier.beforeRead(key), raw);
    }

    private long gauge(String name) {
        return (long) registry.get(name).gauge().value();
    }
}
