package dev.cachepatterns.cache.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;

import dev.cachepatterns.cache.Internal;

/**
 * Which master of a Redis Cluster owns each hash slot, as {@code CLUSTER SLOTS} answered it (the command every cluster
 * client reads its slot map from; Redis 3.0 and later, so any Redis that tracks keys). The near tier tracks every master
 * of this map and follows its changes ({@code docs/near-cache.md}). A slot whose master has no known address (an
 * endpoint reported as empty or {@code ?}) counts as owned by nobody.
 */
@Internal
public final class SlotMap {

    /** A master: its node id and the address clients reach it at. */
    public record Master(String id, String host, int port) {}

    /** No slot owned by anyone: before the first answer. */
    public static final SlotMap EMPTY = new SlotMap(List.of(), new Master[HashSlot.SLOTS]);

    private final List<Master> masters;
    private final Master[] owners;

    private SlotMap(List<Master> masters, Master[] owners) {
        this.masters = masters;
        this.owners = owners;
    }

    /** Asks {@code redis} (any node of the cluster) for its slot map; fails after {@code deadline}. */
    public static Uni<SlotMap> read(Redis redis, Duration deadline) {
        return redis.send(Request.cmd(Command.CLUSTER).arg("SLOTS"))
                .ifNoItem()
                .after(deadline)
                .fail()
                .map(SlotMap::of);
    }

    /** The map a {@code CLUSTER SLOTS} reply describes: {@code [start, end, [host, port, id, ...], replicas...]}. */
    public static SlotMap of(Response reply) {
        Map<Master, Master> masters = new LinkedHashMap<>();
        Master[] owners = new Master[HashSlot.SLOTS];
        for (Response range : reply) {
            Response node = range.get(2);
            String host = node.get(0) == null ? "" : node.get(0).toString();
            if (host.isEmpty() || host.equals("?")) {
                continue;
            }
            String id = node.size() > 2 && node.get(2) != null ? node.get(2).toString() : host + ":" + node.get(1);
            Master master =
                    masters.computeIfAbsent(new Master(id, host, node.get(1).toInteger()), found -> found);
            for (int slot = range.get(0).toInteger(); slot <= range.get(1).toInteger(); slot++) {
                owners[slot] = master;
            }
        }
        return new SlotMap(List.copyOf(new ArrayList<>(masters.values())), owners);
    }

    /** The masters that own at least one slot. */
    public List<Master> masters() {
        return masters;
    }

    /** The master that owns {@code slot}, or null. */
    public Master ownerOf(int slot) {
        return owners[slot];
    }

    /** Whether {@code other} has the same masters, owning the same slots. */
    public boolean sameAs(SlotMap other) {
        return Set.copyOf(masters).equals(Set.copyOf(other.masters))
                && movedSince(other).isEmpty();
    }

    /** The slots whose owner differs from {@code earlier}'s. */
    public BitSet movedSince(SlotMap earlier) {
        BitSet moved = new BitSet(HashSlot.SLOTS);
        for (int slot = 0; slot < HashSlot.SLOTS; slot++) {
            if (!Objects.equals(owners[slot], earlier.owners[slot])) {
                moved.set(slot);
            }
        }
        return moved;
    }
}
