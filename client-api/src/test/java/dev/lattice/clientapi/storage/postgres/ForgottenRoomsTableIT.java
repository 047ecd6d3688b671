package dev.lattice.clientapi.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code clientapi.forgotten_rooms} against a real PostgreSQL. */
class ForgottenRoomsTableIT {
    private final ForgottenRoomsTable table = new ForgottenRoomsTable(TestingDatabase.CLIENT);

    @Test
    void aRoomIsForgottenPerUserUntilDeleted() {
        String alice = TestingDatabase.account();
        String bob = TestingDatabase.account();
        String room = TestingDatabase.roomId();
        table.insert(alice, room, 1).block();
        table.insert(alice, room, 2).block(); // forgetting twice is harmless

        assertThat(table.exists(alice, room).block()).isTrue();
        assertThat(table.exists(bob, room).block()).isFalse();
        table.delete(alice, room).block();
        assertThat(table.exists(alice, room).block()).isFalse();
    }
}
