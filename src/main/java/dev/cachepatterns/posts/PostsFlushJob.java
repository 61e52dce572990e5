package dev.cachepatterns.posts;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import org.jboss.logging.Logger;

import dev.cachepatterns.cache.WriteBehind;

/**
 * Runs the posts write-behind flusher: a Vert.x timer starts a cycle {@code write-behind.posts.flush-interval} after
 * the previous one ended (so two cycles never overlap, and sub-second intervals work, which {@code @Scheduled} does not
 * allow). Cycles are non-blocking. Checks at start that Redis cannot evict the queue; drains what it can at shutdown.
 */
@ApplicationScoped
public class PostsFlushJob {

    private static final Logger LOG = Logger.getLogger(PostsFlushJob.class);

    private final WriteBehind engagement;
    private final PostsWriteBehindConfig config;
    private final Vertx vertx;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private volatile long timerId = -1;

    public PostsFlushJob(PostService posts, PostsWriteBehindConfig config, Vertx vertx) {
        this.engagement = posts.engagement();
        this.config = config;
        this.vertx = vertx;
    }

    void onStart(@Observes StartupEvent event) {
        checkDurability();
        scheduleNext();
    }

    private void scheduleNext() {
        if (stopping.get()) {
            return;
        }
        vertx.setTimer(
                Math.max(1, config.flushInterval().toMillis()),
                id -> cycle().subscribe().with(ignored -> scheduleNext(), failure -> {
                    LOG.warnf("write-behind cycle failed: %s", failure.toString());
                    scheduleNext();
                }));
    }

    Uni<Void> cycle() {
        if (stopping.get()) {
            return Uni.createFrom().voidItem();
        }
        // Measured before flushing: the gauges then show the backlog and lag the flusher finds, the figures to alert
        // on (measured after a cycle they would mostly read zero).
        return engagement
                .measure()
                .chain(() -> flushing()
                        ? engagement.flush().replaceWithVoid()
                        : Uni.createFrom().voidItem());
    }

    /**
     * Stops new cycles and runs a final drain, bounded by {@code shutdown-drain}. Blocking here is deliberate: shutdown
     * observers run on the main (or shutdown-hook) thread, never on an event loop, and the app must not exit first.
     */
    void onStop(@Observes ShutdownEvent event) {
        stopping.set(true);
        vertx.cancelTimer(timerId);
        if (!flushing()) {
            return;
        }
        try {
            WriteBehind.FlushReport report = engagement
                    .drain(config.shutdownDrain())
                    .await()
                    .atMost(config.shutdownDrain().plusSeconds(1));
            LOG.infof("Final write-behind flush applied %d increments", report.applied());
        } catch (RuntimeException e) {
            LOG.warnf("Final write-behind flush did not finish (%s); the entries stay in Redis", e.toString());
        }
    }

    private void checkDurability() {
        engagement
                .durability()
                // The first Redis connection of a cold start can be slower than the call time-out.
                .onFailure()
                .retry()
                .withBackOff(Duration.ofMillis(500))
                .atMost(5)
                .subscribe()
                .with(
                        durability -> {
                            if (!durability.evictionSafe()) {
                                LOG.errorf(
                                        "Redis maxmemory-policy is '%s': it may evict the write-behind stream and lose"
                                                + " accepted views and likes. Use noeviction or volatile-*.",
                                        durability.evictionPolicy());
                            }
                            if (!durability.appendOnly()) {
                                LOG.warn("Redis runs without AOF: accepted but unflushed views and likes are lost if"
                                        + " Redis restarts. Enable appendonly (appendfsync always for zero loss).");
                            }
                        },
                        failure -> LOG.warnf("Could not check Redis durability at start: %s", failure.toString()));
    }

    private boolean flushing() {
        return config.flushEnabled() && config.mode() == PostsWriteBehindConfig.Mode.WRITE_BEHIND;
    }
}
