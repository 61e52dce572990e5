package dev.cachepatterns.cache.aside;

import java.util.List;

import dev.cachepatterns.cache.redis.HashSlot;

/**
 * The coverage of a near tier on a Redis Cluster: a key is served only within the lease of the tracking connection to
 * the master that owns its slot, and only while the view of which master owns which slot was confirmed lately (the
 * {@link #view} lease: a slot that moved to a node not tracked yet cannot be vouched for by its former owner for longer
 * than a topology check takes). Replies are kept only while every master's tracking is live: a view that lags behind
 * a move could put a key under the wrong master, and the whole tier was flushed when one went dark.
 */
final class SlotLeases implements Coverage {

    private final Lease view = new Lease();
    private volatile Lease[] owners = new Lease[HashSlot.SLOTS];
    private volatile List<Lease> masters = List.of();

    /** From now on: {@code owners[slot]} vouches for the slot's keys (null: nobody), among {@code masters}. */
    void update(Lease[] owners, List<Lease> masters) {
        this.owners = owners.clone();
        this.masters = List.copyOf(masters);
    }

    /** The lease of the topology view, renewed by each answered check. */
    Lease view() {
        return view;
    }

    @Override
    public boolean holds(String key) {
        Lease owner = owners[HashSlot.of(key)];
        if (owner == null || !owner.live()) {
            return false;
        }
        for (Lease master : masters) {
            if (!master.live()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean serves(String key) {
        Lease owner = owners[HashSlot.of(key)];
        return owner != null && owner.serving() && view.serving();
    }
}
