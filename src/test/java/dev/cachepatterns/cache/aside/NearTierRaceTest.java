package dev.cachepatterns.cache.aside;

import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import dev.cachepatterns.cache.core.EntryFormat;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The races the Redis documentation warns about for client-side caching, each played step by step on the near tier: a
 * read is sent (its placeholder taken), then an invalidation or a flush arrives, then the read's reply — which must not
 * be kept. And the orders that are safe, which must keep the value.
 */
class NearTierRaceTest {

    private static final String KEY = "cp:test-near:1";

    private final Lease lease = new Lease();
    private final NearTier tier = NearTier.create(
            "test-near-race",
            new SimpleMeterRegistry(),
            new NearTier.Bounds(1 << 20, OptionalInt.empty(), Duration.ofMinutes(1), Duration.ofSeconds(5)),
            Coverage.of(lease),
            "cp:test-near:gen:current",
            () -> {});

    @Test
    void aReplyReadBeforeAnInvalidationThatArrivedFirstIsNotKept() {
        tier.goLive(lease, false, aMinuteFromNow());
        NearTier.Ticket read = tier.beforeRead(KEY);

        tier.invalidated(List.of(KEY));
        tier.afterRead(read, "{\"old\":true}");

        assertThat(tier.get(KEY)).isNull();
    }

    @Test
    void aReplyThatArrivesBeforeItsInvalidationIsKeptUntilTheInvalidationArrives() {
        tier.goLive(lease, false, aMinuteFromNow());
        NearTier.Ticket read = tier.beforeRead(KEY);
        tier.afterRead(read, "{\"old\":true}");
        assertThat(tier.get(KEY)).isEqualTo("{\"old\":true}");

        tier.invalidated(List.of(KEY));

        assertThat(tier.get(KEY)).isNull();
    }

    @Test
    void aFlushWhileAReadIsInFlightVoidsItsReply() {
        tier.goLive(lease, false, aMinuteFromNow());
        NearTier.Ticket read = tier.beforeRead(KEY);

        tier.flush(NearTier.Flush.HEARTBEAT);
        tier.afterRead(read, "{\"old\":true}");

        assertThat(tier.get(KEY)).isNull();
    }

    @Test
    void aTierThatWentDarkWhileAReadWasInFlightKeepsNothingEvenAfterItIsLiveAgain() {
        tier.goLive(lease, false, aMinuteFromNow());
        NearTier.Ticket read = tier.beforeRead(KEY);

        tier.goDark(lease, NearTier.Flush.CONNECTION_LOST);
        tier.goLive(lease, false, aMinuteFromNow());
        tier.afterRead(read, "{\"old\":true}");

        assertThat(tier.get(KEY)).isNull();
    }

    @Test
    void twoReadsInFlightShareThePlaceholderAndOneInvalidationVoidsBoth() {
        tier.goLive(lease, false, aMinuteFromNow());
        NearTier.Ticket first = tier.beforeRead(KEY);
        NearTier.Ticket second = tier.beforeRead(KEY);

        tier.invalidated(List.of(KEY));
        tier.afterRead(first, "{\"v\":1}");
        tier.afterRead(second, "{\"v\":1}");

        assertThat(tier.get(KEY)).isNull();
    }

    @Test
    void nothingIsHeldWhileDarkNorFencesNorMissesEver() {
        NearTier.Ticket dark = tier.beforeRead(KEY);
        tier.afterRead(dark, "{\"v\":1}");
        assertThat(tier.get(KEY)).isNull();

        tier.goLive(lease, false, aMinuteFromNow());
        tier.afterRead(tier.beforeRead(KEY), EntryFormat.newFence());
        assertThat(tier.get(KEY)).isNull();
        tier.afterRead(tier.beforeRead(KEY), null);
        assertThat(tier.get(KEY)).isNull();
        assertThat(tier.size()).isZero();

        tier.afterRead(tier.beforeRead(KEY), EntryFormat.absentEntry());
        assertThat(tier.get(KEY)).isEqualTo(EntryFormat.absentEntry());
    }

    @Test
    void anInvalidationOfTheGenerationKeyFlushesEverything() {
        boolean[] refreshed = {false};
        Lease itsLease = new Lease();
        NearTier withGenerations = NearTier.create(
                "test-near-gen",
                new SimpleMeterRegistry(),
                new NearTier.Bounds(1 << 20, OptionalInt.empty(), Duration.ofMinutes(1), Duration.ofSeconds(5)),
                Coverage.of(itsLease),
                "cp:test-near:gen:current",
                () -> refreshed[0] = true);
        withGenerations.goLive(itsLease, false, aMinuteFromNow());
        withGenerations.afterRead(withGenerations.beforeRead(KEY), "{\"v\":1}");

        withGenerations.invalidated(List.of("cp:test-near:gen:current"));

        assertThat(withGenerations.get(KEY)).isNull();
        assertThat(refreshed[0]).isTrue();
    }

    /** A lease that outlasts the test: these races are about invalidations, not heartbeats. */
    private static long aMinuteFromNow() {
        return System.nanoTime() + Duration.ofMinutes(1).toNanos();
    }
}
