package dev.cachepatterns.cache.redis;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class HashSlotTest {

    @Test
    void matchesTheSlotsRedisComputes() {
        // Values from CLUSTER KEYSLOT on redis-server 7.0 and the Redis Cluster specification.
        assertThat(HashSlot.of("123456789")).isEqualTo(0x31C3);
        assertThat(HashSlot.of("foo")).isEqualTo(12182);
        assertThat(HashSlot.of("bar")).isEqualTo(5061);
        assertThat(HashSlot.of("")).isZero();
    }

    @Test
    void aHashTagDecidesTheSlot() {
        assertThat(HashSlot.of("{user1000}.following")).isEqualTo(HashSlot.of("{user1000}.followers"));
        assertThat(HashSlot.of("cp:wb:{articles}:stream")).isEqualTo(HashSlot.of("articles"));
        assertThat(HashSlot.of("cp:{articles}:hello")).isEqualTo(HashSlot.of("cp:wb:{articles}:pending"));
        // An empty tag is no tag: the whole key is hashed; only the first tag counts.
        assertThat(HashSlot.of("foo{{bar}}zap")).isEqualTo(HashSlot.of("{bar"));
        assertThat(HashSlot.of("foo{bar}{zap}")).isEqualTo(HashSlot.of("bar"));
    }

    @Test
    void aKeyBeyondAsciiIsHashedAsItsUtf8Bytes() {
        // CLUSTER KEYSLOT on redis-server 7.0.
        assertThat(HashSlot.of("key:\u00fc:1")).isEqualTo(14686);
        assertThat(HashSlot.of("key:{\u00fc}:1")).isEqualTo(9552);
    }
}
