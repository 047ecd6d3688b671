package dev.lattice.roomserver.storage.postgres;

import dev.lattice.roomserver.storage.StateSnapshot;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Loaded and written state snapshots, least recently used dropped first. Snapshots never change once written, so an
 * entry is never stale. The bound is on state entries, not snapshots: one snapshot of a room of 5,000 members weighs
 * as much as 2,500 of a room of two.
 */
final class SnapshotCache {
    private final long maxEntries;
    private final Map<Long, StateSnapshot> snapshots = new LinkedHashMap<>(256, 0.75f, true);
    private long entries;

    /** @param maxEntries the most state entries held, over all snapshots */
    SnapshotCache(long maxEntries) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be positive");
        }
        this.maxEntries = maxEntries;
    }

    synchronized StateSnapshot get(long nid) {
        return snapshots.get(nid);
    }

    synchronized void put(StateSnapshot snapshot) {
        StateSnapshot replaced = snapshots.put(snapshot.nid(), snapshot);
        entries += weight(snapshot) - (replaced == null ? 0 : weight(replaced));
        Iterator<StateSnapshot> eldest = snapshots.values().iterator();
        // The newest snapshot stays even when it alone is over the bound: it is the one about to be used.
        while (entries > maxEntries && snapshots.size() > 1) {
            entries -= weight(eldest.next());
            eldest.remove();
        }
    }

    private static long weight(StateSnapshot snapshot) {
        return Math.max(1, snapshot.state().size());
    }
}
