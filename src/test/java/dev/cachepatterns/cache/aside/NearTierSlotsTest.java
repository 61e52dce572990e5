package dev.cachepatterns.cache.aside;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.OptionalInt;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.cachepatterns.cache.redis.HashSlot;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The near tier's rules on a Redis Cluster, played step by step with the leases of three masters ({@link SlotLeases}):
 * a key is served only within the lease of its slot's master and of the topology view, a reply is kept only while every
 * master is tracked, and a slot that moves loses its entries, reads in flight included. The same rules against a real
 * cluster are {@code NearTierClusterTest}'s, {@code NearTierMigrationTest}'s and {@code NearTierFailoverTest}'s.
 */
class NearTierSlotsTest {

    private final MeterRegistry registry = new SimpleMeterRegistry();
    private final SlotLeases leases = new SlotLeases();
    private final List<Lease> masters = List.of(new Lease(), new Lease(), new Lease());
    private final NearTier tier = NearTier.create(
            "test-near-slots",
            registry,
            new NearTier.Bounds(1 << 20, OptionalInt.empty(), Duration.ofMinutes(1), Duration.ofSeconds(5)),
            leases,
            "cp:test-slots:gen:current",
            () -> {});
    /** Three keys, one in each third of the slots (the first master's, the second's, the third's). */
    private final List<String> keys = keysOfEachThird();

    @BeforeEach
    void threeMastersEachOwningAThird() {
        leases.update(owners(masters.get(0), masters.get(1), masters.get(2)), masters);
        masters.forEach(lease -> tier.goLive(lease, false, aMinuteFromNow()));
        leases.view().goLive(aMinuteFromNow());
        keys.forEach(key -> hold(key, "{\"v\":0}"));
    }

    @Test
    void aMasterWhoseLeaseLapsedStopsServingItsSlotsOnly() {
        masters.get(1).goLive(System.nanoTime() - 1); // its last heartbeat answered too late

        assertThat(tier.get(keys.get(0))).isEqualTo("{\"v\":0}");
        assertThat(tier.get(keys.get(1))).as("its slot: paused, not dropped").isNull();
        assertThat(tier.get(keys.get(2))).isEqualTo("{\"v\":0}");
        assertThat(tier.size()).isEqualTo(3);

        masters.get(1).extend(aMinuteFromNow()); // the next heartbeat answered in time
        assertThat(tier.get(keys.get(1))).isEqualTo("{\"v\":0}");
    }

    @Test
    void aViewOfTheSlotsNotConfirmedLatelyServesNothing() {
        leases.view().goLive(System.nanoTime() - 1);

        keys.forEach(key -> assertThat(tier.get(key)).isNull());

        leases.view().extend(aMinuteFromNow());
        keys.forEach(key -> assertThat(tier.get(key)).isNotNull());
    }

    @Test
    void aMasterThatGoesDarkFlushesEverythingAndNothingIsKeptUntilItIsBack() {
        NearTier.Ticket inFlight = tier.beforeRead("cp:test-slots:in-flight");

        tier.goDark(masters.get(2), NearTier.Flush.CONNECTION_LOST);

        assertThat(tier.size()).isZero();
        tier.afterRead(inFlight, "{\"v\":0}");
        hold(keys.get(0), "{\"v\":1}"); // another master's key: not kept either while one master is dark
        assertThat(tier.get(keys.get(0))).isNull();

        tier.goLive(masters.get(2), true, aMinuteFromNow());
        hold(keys.get(0), "{\"v\":1}");
        assertThat(tier.get(keys.get(0))).isEqualTo("{\"v\":1}");
        assertThat(flushes("connection_lost")).isEqualTo(1);
        assertThat(flushes("reconnect")).isEqualTo(1);
    }

    @Test
    void aSlotThatMovesLosesItsEntriesAndTheReadsInFlightForItTheOthersStay() {
        String moving = keys.get(0);
        String staying = "cp:test-slots:staying";
        while (HashSlot.of(staying) == HashSlot.of(moving) || third(HashSlot.of(staying)) != 0) {
            staying = staying + "x";
        }
        hold(staying, "{\"v\":0}");
        tier.drop(moving);
        NearTier.Ticket inFlight = tier.beforeRead(moving); // sent before the move, answered after

        Lease[] owners = owners(masters.get(0), masters.get(1), masters.get(2));
        owners[HashSlot.of(moving)] = masters.get(1);
        leases.update(owners, masters);
        BitSet moved = new BitSet();
        moved.set(HashSlot.of(moving));
        tier.flushSlots(moved, NearTier.Flush.SLOT_MOVED);
        tier.afterRead(inFlight, "{\"v\":0}");

        assertThat(tier.get(moving)).isNull();
        assertThat(tier.get(staying)).isEqualTo("{\"v\":0}");
        assertThat(flushes("slot_moved")).isEqualTo(1);
        // The new owner is tracked: its key is kept again, under its lease.
        hold(moving, "{\"v\":1}");
        assertThat(tier.get(moving)).isEqualTo("{\"v\":1}");
        masters.get(1).goLive(System.nanoTime() - 1);
        assertThat(tier.get(moving)).isNull();
        assertThat(tier.get(staying)).isEqualTo("{\"v\":0}");
    }

    @Test
    void aNewMastersSlotsAreNeitherKeptNorServedUntilItsTrackingIsLive() {
        Lease promoted = new Lease(); // a replica that took over the third master's slots
        List<Lease> now = new ArrayList<>(List.of(masters.get(0), masters.get(1), promoted));
        leases.update(owners(masters.get(0), masters.get(1), promoted), now);
        tier.flushSlots(thirdOf(2), NearTier.Flush.TOPOLOGY);

        assertThat(tier.get(keys.get(2))).isNull();
        hold(keys.get(2), "{\"v\":1}");
        assertThat(tier.get(keys.get(2))).as("not tracked yet").isNull();
        assertThat(tier.get(keys.get(0))).as("the others still served").isEqualTo("{\"v\":0}");
        hold(keys.get(0), "{\"v\":1}");
        assertThat(tier.get(keys.get(0))).as("but nothing new is kept").isEqualTo("{\"v\":0}");

        tier.goLive(promoted, false, aMinuteFromNow());
        hold(keys.get(2), "{\"v\":1}");
        assertThat(tier.get(keys.get(2))).isEqualTo("{\"v\":1}");
        assertThat(flushes("topology")).isEqualTo(1);
    }

    private void hold(String key, String raw) {
        tier.afterRead(tier.beforeRead(key), raw);
    }

    private double flushes(String reason) {
        return registry.get("cache.near.flushes")
                .tag("cache", "test-near-slots")
                .tag("reason", reason)
                .counter()
                .count();
    }

    private static Lease[] owners(Lease first, Lease second, Lease third) {
        Lease[] owners = new Lease[HashSlot.SLOTS];
        Lease[] byThird = {first, second, third};
        for (int slot = 0; slot < HashSlot.SLOTS; slot++) {
            owners[slot] = byThird[third(slot)];
        }
        return owners;
    }

    private static BitSet thirdOf(int which) {
        BitSet slots = new BitSet();
        for (int slot = 0; slot < HashSlot.SLOTS; slot++) {
            if (third(slot) == which) {
                slots.set(slot);
            }
        }
        return slots;
    }

    private static int third(int slot) {
        return Math.min(2, slot / (HashSlot.SLOTS / 3 + 1));
    }

    private static List<String> keysOfEachThird() {
        String[] found = new String[3];
        for (int i = 0; Arrays.stream(found).anyMatch(key -> key == null); i++) {
            String key = "cp:test-slots:" + i;
            found[third(HashSlot.of(key))] =
                    found[third(HashSlot.of(key))] == null ? key : found[third(HashSlot.of(key))];
        }
        return List.of(found);
    }

    private static long aMinuteFromNow() {
        return System.nanoTime() + Duration.ofMinutes(1).toNanos();
    }
}
