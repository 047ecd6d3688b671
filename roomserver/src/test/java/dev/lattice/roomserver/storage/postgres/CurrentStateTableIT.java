package dev.lattice.roomserver.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.protocol.auth.StateKey;
import dev.lattice.roomserver.storage.CurrentStateRow;
import org.junit.jupiter.api.Test;

class CurrentStateTableIT {
    private final CurrentStateTable table = new CurrentStateTable(TestingDatabase.CLIENT);

    @Test
    void upsertsDeletesAndFindsAUsersRooms() {
        String room = TestingDatabase.roomId();
        String user = "@" + java.util.UUID.randomUUID() + ":test.lattice";
        StateKey member = StateKey.of("m.room.member", user);
        table.upsert(new CurrentStateRow(room, member, "$invite", "invite")).block();
        table.upsert(new CurrentStateRow(room, StateKey.of("m.room.topic", ""), "$topic", null))
                .block();
        assertThat(table.selectMemberships(user, "invite").block())
                .extracting(CurrentStateRow::roomId)
                .containsExactly(room);

        table.upsert(new CurrentStateRow(room, member, "$join", "join")).block();
        assertThat(table.select(room, member).block().orElseThrow().eventId()).isEqualTo("$join");
        assertThat(table.selectMemberships(user, "invite").block()).isEmpty();
        assertThat(table.selectMemberships(user, "join").block()).hasSize(1);
        assertThat(table.selectRoom(room).block()).hasSize(2);

        table.delete(room, StateKey.of("m.room.topic", "")).block();
        assertThat(table.selectRoom(room).block())
                .extracting(CurrentStateRow::eventId)
                .containsExactly("$join");
    }
}
