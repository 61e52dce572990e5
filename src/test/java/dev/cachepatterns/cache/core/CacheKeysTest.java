package dev.cachepatterns.cache.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CacheKeysTest {

    private final CacheKeys keys = new CacheKeys("cp:products");

    @Test
    void namesValuesAndLocksUnderThePrefix() {
        assertThat(keys.value("42")).isEqualTo("cp:products:42");
        assertThat(keys.lock("42")).isEqualTo("cp:products:lock:42");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a:b", "a b", "a*", "a?", "[a]", "a\r\nb", "a\u0000"})
    void refusesKeyPartsThatCouldAddressAnotherKey(String part) {
        assertThatThrownBy(() -> keys.value(part)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesOverlongKeyParts() {
        assertThatThrownBy(() -> keys.value("x".repeat(201))).isInstanceOf(IllegalArgumentException.class);
    }
}
