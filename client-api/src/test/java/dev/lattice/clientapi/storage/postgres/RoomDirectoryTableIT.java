package dev.lattice.clientapi.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code clientapi.room_directory} against a real PostgreSQL. */
class RoomDirectoryTableIT {
    private final RoomDirectoryTable table = new RoomDirectoryTable(TestingDatabase.CLIENT);

    @Test
    void aRoomIsListedUntilRemoved() {
        String listed = TestingDatabase.roomId();
        String removed = TestingDatabase.roomId();
        table.insert(listed, 1).block();
        table.insert(removed, 2).block();
        table.insert(listed, 3).block(); // publishing twice keeps one row

        assertThat(table.exists(listed).block()).isTrue();
        table.delete(removed).block();
        assertThat(table.exists(removed).block()).isFalse();
        assertThat(table.selectAll().collectList().block())
                .contains(listed)
                .doesNotContain(removed)
                .containsOnlyOnce(listed);
    }
}
