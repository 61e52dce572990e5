package dev.cachepatterns.cache.aside;

import java.util.BitSet;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Redis;
import org.jboss.logging.Logger;

import dev.cachepatterns.cache.redis.HashSlot;
import dev.cachepatterns.cache.redis.ProcessStalls;
import dev.cachepatterns.cache.redis.SlotMap;

/**
 * The near tier of one cache on a Redis Cluster: key tracking on every master ({@link KeyTracking}, one connection and
 * one {@link Lease} each), the masters found in the cluster's slot map ({@link SlotMap}) and followed. The map is read
 * ({@link SlotMapWatch}, one read for every near tier of the JVM) every {@code heartbeat}, and at once when a tracking
 * connection is interrupted; an answer that matches the map followed renews the lease of the view ({@link
 * SlotLeases#view}). A change is followed once a second read agrees with
 * it (the nodes learn of a move at slightly different moments), in this order:
 *
 * <ol>
 *   <li>a master that appears gets a tracking connection; its slots are not vouched for until it is live;
 *   <li>each slot is vouched for by its new master's lease;
 *   <li>the entries of every slot that changed owner are flushed ({@code slot_moved} when the masters stayed the same,
 *       {@code topology} when one joined or left: a failover, a node added or removed);
 *   <li>the tracking of a node that no longer owns slots stops.
 * </ol>
 *
 * <p>A slot in migration needs nothing: both its masters are tracked, so a write is pushed by whichever executes it (the
 * source, or the target after an {@code ASK}), and the source's {@code MIGRATE} pushes the key it hands over.
 */
final class ClusterTracking {

    private static final Logger LOG = Logger.getLogger(ClusterTracking.class);

    /** A master tracked: its lease and its tracking connection. */
    private record Tracked(Lease lease, KeyTracking tracking) {}

    private final String name;
    private final String prefix;
    private final NearSettings settings;
    private final Vertx vertx;
    private final ProcessStalls stalls;
    private final NearTier tier;
    private final SlotLeases leases;
    private final SlotMapWatch watch;
    private final Function<SlotMap.Master, Redis> clients;
    private final Map<SlotMap.Master, Tracked> tracked = new HashMap<>();
    private final SlotMapWatch.Follower follower = this::answered;
    private SlotMap current = SlotMap.EMPTY;
    private SlotMap candidate;
    private volatile boolean stopped;

    ClusterTracking(
            String name,
            String prefix,
            NearSettings settings,
            Vertx vertx,
            ProcessStalls stalls,
            NearTier tier,
            SlotLeases leases,
            SlotMapWatch watch,
            Function<SlotMap.Master, Redis> clients) {
        this.name = name;
        this.prefix = prefix;
        this.settings = settings;
        this.vertx = vertx;
        this.stalls = stalls;
        this.tier = tier;
        this.leases = leases;
        this.watch = watch;
        this.clients = clients;
    }

    void start() {
        watch.follow(follower, settings.heartbeat());
    }

    synchronized void stop() {
        stopped = true;
        watch.unfollow(follower);
        tracked.values().forEach(master -> master.tracking().retire());
        tracked.clear();
        tier.goDark(leases.view(), NearTier.Flush.CONNECTION_LOST);
    }

    // A map that differs from the one followed is followed once the next read agrees with it: the nodes learn of a move
    // or a failover at slightly different moments, and one that lags must not undo it. Until then the view's lease is
    // not renewed. True: read again at once (after a first disagreement only, so nodes that keep disagreeing are read
    // at the usual pace).
    private synchronized boolean answered(SlotMap next, long sentAt) {
        if (stopped) {
            return false;
        }
        if (!next.sameAs(current)) {
            if (candidate == null || !next.sameAs(candidate)) {
                boolean first = candidate == null;
                candidate = next;
                return first;
            }
            follow(next);
        }
        candidate = null;
        long until = sentAt + settings.heartbeat().toNanos() * KeyTracking.LEASE_HEARTBEATS;
        Lease view = leases.view();
        if (!view.live()) {
            view.goLive(until);
        } else if (!view.extend(until)) {
            tier.lateHeartbeat(); // answered too late to vouch for the view: serving pauses, nothing is dropped
        }
        return false;
    }

    private void follow(SlotMap next) {
        BitSet moved = next.movedSince(current);
        boolean mastersChanged = !new HashSet<>(next.masters()).equals(tracked.keySet());
        Map<SlotMap.Master, Tracked> kept = new HashMap<>();
        for (SlotMap.Master master : next.masters()) {
            Tracked known = tracked.get(master);
            kept.put(master, known != null ? known : track(master));
        }
        Lease[] owners = new Lease[HashSlot.SLOTS];
        for (int slot = 0; slot < HashSlot.SLOTS; slot++) {
            SlotMap.Master owner = next.ownerOf(slot);
            owners[slot] = owner == null ? null : kept.get(owner).lease();
        }
        leases.update(owners, kept.values().stream().map(Tracked::lease).toList());
        if (current != SlotMap.EMPTY && !moved.isEmpty()) {
            tier.flushSlots(moved, mastersChanged ? NearTier.Flush.TOPOLOGY : NearTier.Flush.SLOT_MOVED);
        }
        tracked.forEach((master, gone) -> {
            if (!kept.containsKey(master)) {
                gone.tracking().retire();
            }
        });
        if (current == SlotMap.EMPTY) {
            LOG.infof("near tier of %s: tracking the masters %s", name, addresses(kept.keySet()));
        } else if (mastersChanged) {
            LOG.infof(
                    "near tier of %s: the masters changed, %d slots changed owner and their entries were flushed;"
                            + " tracking the masters %s",
                    name, moved.cardinality(), addresses(kept.keySet()));
        } else {
            // A resharding moves slots one by one: one line each would flood the log.
            LOG.debugf("near tier of %s: %d slots moved, their entries flushed", name, moved.cardinality());
        }
        tracked.clear();
        tracked.putAll(kept);
        current = next;
    }

    private Tracked track(SlotMap.Master master) {
        Lease lease = new Lease();
        KeyTracking tracking = new KeyTracking(
                name + "@" + master.host() + ":" + master.port(),
                prefix,
                () -> clients.apply(master),
                vertx,
                settings,
                stalls,
                tier,
                lease,
                watch::read);
        tracking.start();
        return new Tracked(lease, tracking);
    }

    private static List<String> addresses(Collection<SlotMap.Master> masters) {
        return masters.stream()
                .map(master -> master.host() + ":" + master.port())
                .sorted()
                .toList();
    }
}
