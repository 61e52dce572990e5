package dev.cachepatterns.cache.writethrough;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class UntrustedKeysTest {

    private final AtomicLong clock = new AtomicLong(1_000);
    private final UntrustedKeys keys = new UntrustedKeys(2, 500, clock::get);

    @Test
    void aKeyStaysUntrustedUntilAVersionAtLeastAsNewIsRepaired() {
        keys.add("k", 5);
        keys.add("k", 3);
        assertThat(keys.isUntrusted("k")).isTrue();
        assertThat(keys.isUntrusted("other")).isFalse();

        keys.repaired("k", 4);
        assertThat(keys.isUntrusted("k")).isTrue();
        keys.repaired("k", 5);
        assertThat(keys.isUntrusted("k")).isFalse();
        assertThat(keys.size()).isZero();
    }

    @Test
    void whenFullEveryKeyIsUntrustedForTheOverflowPeriod() {
        keys.add("a", 1);
        keys.add("b", 1);
        keys.add("c", 1);

        assertThat(keys.size()).isEqualTo(2);
        assertThat(keys.isUntrusted("c")).isTrue();
        assertThat(keys.isUntrusted("never-written")).isTrue();

        clock.addAndGet(500);
        assertThat(keys.isUntrusted("never-written")).isFalse();
        assertThat(keys.isUntrusted("a")).isTrue();
    }
}
