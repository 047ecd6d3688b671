package dev.lattice.roomserver.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.protocol.auth.StateKey;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SnapshotDeltaTest {
    private static final StateKey A = StateKey.of("a", "");
    private static final StateKey B = StateKey.of("b", "");
    private static final StateKey C = StateKey.of("c", "");

    @Test
    void aDeltaHasTheChangedAndAddedEntriesAndNullsForRemovedOnes() {
        Map<StateKey, String> delta =
                PostgresRoomserverDatabase.delta(Map.of(A, "$1", B, "$2"), Map.of(A, "$1", B, "$3", C, "$4"));
        assertThat(delta).isEqualTo(Map.of(B, "$3", C, "$4"));
        Map<StateKey, String> removal = new HashMap<>();
        removal.put(B, null);
        assertThat(PostgresRoomserverDatabase.delta(Map.of(A, "$1", B, "$2"), Map.of(A, "$1")))
                .isEqualTo(removal);
        assertThat(PostgresRoomserverDatabase.delta(Map.of(A, "$1"), Map.of(A, "$1")))
                .isEmpty();
    }
}
