package dev.cachepatterns.cache.aside;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import org.jboss.logging.Logger;

import dev.cachepatterns.cache.redis.SlotMap;

/**
 * Reads a Redis Cluster's slot map for every near tier of this JVM at once ({@link ClusterTracking}), so the cluster
 * answers one {@code CLUSTER SLOTS} per period however many caches have a near tier: every shortest {@code heartbeat}
 * of them, and at once when one asks (a tracking connection was interrupted, or a map differed and must be read
 * again). A read asked for while one is on its way follows it: the one on its way may have been sent before what
 * prompted the question.
 */
final class SlotMapWatch {

    /** A near tier that follows the map. */
    interface Follower {
        /** A read sent at {@code sentAt} ({@link System#nanoTime()}) answered {@code map}; true: read again at once. */
        boolean answered(SlotMap map, long sentAt);
    }

    private static final Logger LOG = Logger.getLogger(SlotMapWatch.class);

    private final Vertx vertx;
    private final Supplier<Uni<SlotMap>> reads;
    private final List<Follower> followers = new CopyOnWriteArrayList<>();
    private final AtomicBoolean reading = new AtomicBoolean();
    private volatile boolean askedMeanwhile;
    private Duration period;
    private long timer = -1;

    SlotMapWatch(Vertx vertx, Supplier<Uni<SlotMap>> reads) {
        this.vertx = vertx;
        this.reads = reads;
    }

    /** {@code follower} gets every answer from now on, at least every {@code heartbeat}; a read is sent at once. */
    synchronized void follow(Follower follower, Duration heartbeat) {
        followers.add(follower);
        if (period == null || heartbeat.compareTo(period) < 0) {
            period = heartbeat;
            if (timer >= 0) {
                vertx.cancelTimer(timer);
            }
            timer = vertx.setPeriodic(period.toMillis(), tick -> read());
        }
        read();
    }

    synchronized void unfollow(Follower follower) {
        followers.remove(follower);
        if (followers.isEmpty() && timer >= 0) {
            vertx.cancelTimer(timer);
            timer = -1;
            period = null;
        }
    }

    /** Reads the map now, or right after the read on its way. */
    void read() {
        if (!reading.compareAndSet(false, true)) {
            askedMeanwhile = true;
            return;
        }
        askedMeanwhile = false;
        long sentAt = System.nanoTime();
        Uni.createFrom()
                .<SlotMap>deferred(reads::get)
                .subscribe()
                .with(
                        map -> {
                            boolean again = false;
                            try {
                                for (Follower follower : followers) {
                                    again |= follower.answered(map, sentAt);
                                }
                            } finally {
                                reading.set(false);
                            }
                            if (again || askedMeanwhile) {
                                read();
                            }
                        },
                        failure -> {
                            reading.set(false);
                            LOG.debugf("cannot read the cluster's slots: %s", failure);
                        });
    }
}
