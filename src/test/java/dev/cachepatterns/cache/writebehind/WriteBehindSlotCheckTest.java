package dev.cachepatterns.cache.writebehind;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WriteBehindSlotCheckTest {

    @Test
    void cachedCopiesUnderTheStreamsHashTagAreAccepted() {
        assertThatCode(() -> WriteBehind.requireSameSlot(slug -> "cp:{articles}:" + slug, "cp:wb:{articles}:stream"))
                .doesNotThrowAnyException();
        assertThatCode(() -> WriteBehind.requireSameSlot(null, "cp:wb:{articles}:stream"))
                .doesNotThrowAnyException();
    }

    @Test
    void cachedCopiesOutsideTheStreamsSlotAreRefusedAtStart() {
        // The old default: fine on one Redis, CROSSSLOT in the acknowledgement script on a Redis Cluster.
        assertThatThrownBy(() -> WriteBehind.requireSameSlot(slug -> "cp:articles:" + slug, "cp:wb:{articles}:stream"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("hash tag");
    }
}
