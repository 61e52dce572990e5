package dev.cachepatterns.showcase.demo;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.helpers.test.UniAssertSubscriber;
import io.smallrye.mutiny.subscription.UniEmitter;
import org.junit.jupiter.api.Test;

import dev.cachepatterns.platform.ProblemException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DemoRunnerTest {

    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private final HeldDemo held = new HeldDemo();
    private final DemoRunner runner = new DemoRunner(List.of(held), config(Duration.ofSeconds(1)), clock::get);

    @Test
    void oneRunAtATimeThenAPauseBetweenStarts() {
        UniAssertSubscriber<DemoRun> first =
                runner.run("held", Optional.empty()).subscribe().withSubscriber(UniAssertSubscriber.create());

        // Held: a second start is refused while the first runs, even after the pause.
        clock.addAndGet(Duration.ofSeconds(5).toNanos());
        assertThatThrownBy(() -> runner.run("held", Optional.empty()))
                .isInstanceOfSatisfying(ProblemException.class, e -> {
                    assertThat(e.status()).isEqualTo(429);
                    assertThat(e.retryAfterSeconds()).isPositive();
                    assertThat(e.getMessage()).contains("another demo is running");
                });

        held.release();
        DemoRun run = first.awaitItem().getItem();
        assertThat(run.id()).isEqualTo("held");
        assertThat(run.size()).isEqualTo(3);
        assertThat(run.figures()).containsEntry("size", 3);

        // Done, and the last start was 5 s ago: allowed. Right after it: too soon.
        runner.run("held", Optional.of(2)).subscribe().withSubscriber(UniAssertSubscriber.create());
        held.release();
        clock.addAndGet(Duration.ofMillis(500).toNanos());
        assertThatThrownBy(() -> runner.run("held", Optional.empty()))
                .isInstanceOfSatisfying(ProblemException.class, e -> {
                    assertThat(e.status()).isEqualTo(429);
                    assertThat(e.getMessage()).contains("at most once per 1000 ms");
                });
        clock.addAndGet(Duration.ofMillis(600).toNanos());
        runner.run("held", Optional.empty()).subscribe().withSubscriber(UniAssertSubscriber.create());
    }

    @Test
    void sizesOutsideTheBoundsAndUnknownDemosAreRefusedBeforeAnythingRuns() {
        assertThatThrownBy(() -> runner.run("held", Optional.of(11)))
                .isInstanceOfSatisfying(
                        ProblemException.class, e -> assertThat(e.status()).isEqualTo(400));
        assertThatThrownBy(() -> runner.run("held", Optional.of(0)))
                .isInstanceOfSatisfying(
                        ProblemException.class, e -> assertThat(e.status()).isEqualTo(400));
        assertThatThrownBy(() -> runner.run("nope", Optional.empty()))
                .isInstanceOfSatisfying(
                        ProblemException.class, e -> assertThat(e.status()).isEqualTo(404));
        assertThat(held.started).isZero();
        assertThat(runner.list()).extracting(DemoInfo::id).containsExactly("held");
    }

    @Test
    void aFailedRunFreesTheRunner() {
        held.failNext = true;
        runner.run("held", Optional.empty())
                .subscribe()
                .withSubscriber(UniAssertSubscriber.create())
                .assertFailedWith(IllegalStateException.class);
        clock.addAndGet(Duration.ofSeconds(2).toNanos());
        runner.run("held", Optional.empty()).subscribe().withSubscriber(UniAssertSubscriber.create());
        assertThat(held.started).isEqualTo(2);
    }

    @Test
    void aDemoWhoseIdIsNoPathSegmentOrWhoseSizesDisagreeCannotBeDeclared() {
        assertThatThrownBy(() -> new DemoInfo("../x", "t", "d", 1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DemoInfo("x", "t", "d", 5, 4)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DemoInfo("x", "t", "d", 0, 4)).isInstanceOf(IllegalArgumentException.class);
    }

    private static DemoConfig config(Duration minInterval) {
        return new DemoConfig() {
            @Override
            public boolean enabled() {
                return true;
            }

            @Override
            public Duration minInterval() {
                return minInterval;
            }

            @Override
            public Duration timeout() {
                return Duration.ofSeconds(30);
            }
        };
    }

    /** Its runs end only when the test releases them. */
    static class HeldDemo implements Demo {
        int started;
        boolean failNext;
        private UniEmitter<? super DemoResult> pending;
        private int pendingSize;

        @Override
        public DemoInfo info() {
            return new DemoInfo("held", "Held", "Ends when released", 3, 10);
        }

        @Override
        public Uni<DemoResult> run(int size) {
            started++;
            if (failNext) {
                failNext = false;
                return Uni.createFrom().failure(new IllegalStateException("boom"));
            }
            return Uni.createFrom().emitter(emitter -> {
                pending = emitter;
                pendingSize = size;
            });
        }

        void release() {
            pending.complete(DemoResult.of("done", "size", pendingSize));
        }
    }
}
