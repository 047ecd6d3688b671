package dev.lattice.roomserver.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.protocol.auth.StateKey;
import dev.lattice.roomserver.storage.StateSnapshot;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SnapshotCacheTest {
    @Test
    void dropsTheLeastRecentlyUsedSnapshotsOnceTheirEntriesPassTheBound() {
        SnapshotCache cache = new SnapshotCache(10);
        cache.put(snapshot(1, 4));
        cache.put(snapshot(2, 4));
        assertThat(cache.get(1)).isNotNull(); // now 2 is the least recently used
        cache.put(snapshot(3, 4)); // 12 entries: one snapshot must go

        assertThat(cache.get(2)).isNull();
        assertThat(cache.get(1).state()).hasSize(4);
        assertThat(cache.get(3).state()).hasSize(4);
    }

    @Test
    void keepsTheNewestSnapshotEvenWhenItAloneIsOverTheBound() {
        SnapshotCache cache = new SnapshotCache(10);
        cache.put(snapshot(1, 3));
        cache.put(snapshot(2, 50));

        assertThat(cache.get(1)).isNull();
        assertThat(cache.get(2).state()).hasSize(50);
    }

    private static StateSnapshot snapshot(long nid, int members) {
        Map<StateKey, String> state = new HashMap<>();
        for (int i = 0; i < members; i++) {
            state.put(StateKey.of("m.room.member", "@u" + i + ":example.org"), "$" + nid + "-" + i);
        }
        return new StateSnapshot(nid, 0, state);
    }
}
