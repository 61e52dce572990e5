package dev.cachepatterns.cache.core;

import java.time.Duration;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TtlPolicyTest {

    @Test
    void spreadsTtlsOverTheJitterBounds() {
        TtlPolicy policy = new TtlPolicy(Duration.ofSeconds(100), 0.1);
        var ttls = IntStream.range(0, 1_000)
                .mapToLong(i -> policy.nextMillis())
                .boxed()
                .toList();

        assertThat(ttls).allSatisfy(ttl -> assertThat(ttl).isBetween(90_000L, 110_000L));
        assertThat(ttls.stream().mapToLong(Long::longValue).min().orElseThrow()).isLessThan(92_000L);
        assertThat(ttls.stream().mapToLong(Long::longValue).max().orElseThrow()).isGreaterThan(108_000L);
    }

    @Test
    void noJitterMeansTheBaseTtl() {
        assertThat(new TtlPolicy(Duration.ofMillis(1234), 0).nextMillis()).isEqualTo(1234);
    }

    @Test
    void rejectsASpreadThatCouldReachZero() {
        assertThatThrownBy(() -> new TtlPolicy(Duration.ofSeconds(1), 1.0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
