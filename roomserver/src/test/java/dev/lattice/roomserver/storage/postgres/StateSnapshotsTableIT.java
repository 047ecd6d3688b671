package dev.lattice.roomserver.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.protocol.auth.StateKey;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code state_snapshots} and {@code state_snapshot_entries}: chains and their entries. */
class StateSnapshotsTableIT {
    private final StateSnapshotsTable snapshots = new StateSnapshotsTable(TestingDatabase.CLIENT);
    private final StateSnapshotEntriesTable entries = new StateSnapshotEntriesTable(TestingDatabase.CLIENT);

    @Test
    void storesAChainOfDeltasAndReadsItBackFromTheFullSnapshot() {
        String room = TestingDatabase.roomId();
        long full = snapshots.insert(room, null, 0).block();
        long delta = snapshots.insert(room, full, 1).block();
        long delta2 = snapshots.insert(room, delta, 2).block();
        entries.insert(full, Map.of(StateKey.of("m.room.create", ""), "$c", StateKey.of("m.room.topic", ""), "$t"))
                .block();
        Map<StateKey, String> removal = new HashMap<>();
        removal.put(StateKey.of("m.room.topic", ""), null);
        entries.insert(delta, removal).block();

        assertThat(snapshots.selectChain(delta2).block())
                .extracting(StateSnapshotsTable.ChainLink::snapshotNid)
                .containsExactly(full, delta, delta2);
        assertThat(entries.select(java.util.List.of(full, delta)).collectList().block())
                .extracting(StateSnapshotEntriesTable.Entry::eventId)
                .containsExactlyInAnyOrder("$c", "$t", null);
        assertThat(snapshots.selectChain(-1).block()).isEmpty();
    }
}
