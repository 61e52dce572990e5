package dev.cachepatterns.cache.redis;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CircuitBreakerTest {

    private final AtomicLong now = new AtomicLong(1_000);
    private final AtomicInteger opened = new AtomicInteger();
    private final AtomicInteger closed = new AtomicInteger();
    private final CircuitBreaker breaker = new CircuitBreaker(3, 5, 100, now::get, new CircuitBreaker.Listener() {
        @Override
        public void opened() {
            opened.incrementAndGet();
        }

        @Override
        public void closed() {
            closed.incrementAndGet();
        }
    });

    @Test
    void opensWhenEnoughOfTheRecentCallsFailed() {
        breaker.onFailure();
        breaker.onSuccess();
        breaker.onFailure();
        breaker.onSuccess();
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);

        breaker.onFailure();

        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(breaker.tryAcquirePermission()).isFalse();
        assertThat(opened).hasValue(1);
    }

    @Test
    void failuresSpreadWiderThanTheWindowNeverOpenIt() {
        for (int i = 0; i < 10; i++) {
            breaker.onFailure();
            breaker.onSuccess();
            breaker.onSuccess();
            breaker.onSuccess();
        }
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(opened).hasValue(0);
    }

    @Test
    void aClosedCircuitStartsWithAnEmptyWindow() {
        tripOpen();
        now.addAndGet(100);
        assertThat(breaker.tryAcquirePermission()).isTrue();
        breaker.onSuccess();

        breaker.onFailure();
        breaker.onFailure();

        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void letsOneProbeThroughAfterTheOpenPeriodAndClosesOnItsSuccess() {
        tripOpen();
        now.addAndGet(100);

        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
        assertThat(breaker.tryAcquirePermission()).isTrue();
        assertThat(breaker.tryAcquirePermission()).isFalse();

        breaker.onSuccess();
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(breaker.tryAcquirePermission()).isTrue();
        assertThat(closed).hasValue(1);
    }

    @Test
    void aFailedProbeReopensForAnotherPeriod() {
        tripOpen();
        now.addAndGet(100);
        assertThat(breaker.tryAcquirePermission()).isTrue();

        breaker.onFailure();

        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
        now.addAndGet(99);
        assertThat(breaker.tryAcquirePermission()).isFalse();
        now.addAndGet(1);
        assertThat(breaker.tryAcquirePermission()).isTrue();
    }

    @Test
    void aCancelledProbeFreesTheProbeSlot() {
        tripOpen();
        now.addAndGet(100);
        assertThat(breaker.tryAcquirePermission()).isTrue();

        breaker.onCancel();

        assertThat(breaker.tryAcquirePermission()).isTrue();
    }

    private void tripOpen() {
        for (int i = 0; i < 3; i++) {
            breaker.onFailure();
        }
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
    }
}
