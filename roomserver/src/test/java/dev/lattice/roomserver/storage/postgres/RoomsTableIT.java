package dev.lattice.roomserver.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.protocol.version.RoomVersionId;
import dev.lattice.roomserver.storage.RoomRow;
import org.junit.jupiter.api.Test;

class RoomsTableIT {
    private final RoomsTable table = new RoomsTable(TestingDatabase.CLIENT);

    @Test
    void insertsOnceAndSelectsAndLocks() {
        RoomRow room = new RoomRow(TestingDatabase.roomId(), RoomVersionId.V12, "$create", 42);
        assertThat(table.insert(room).block()).isTrue();
        assertThat(table.insert(room).block()).isFalse();
        assertThat(table.select(room.roomId()).block()).contains(room);
        assertThat(table.lock(room.roomId()).block()).contains(room);
        assertThat(table.select(TestingDatabase.roomId()).block()).isEmpty();
    }
}
