package dev.lattice.roomserver.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.protocol.auth.StateKey;
import dev.lattice.roomserver.storage.CurrentStateRow;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CurrentStateTableIT {
    private final CurrentStateTable table = new CurrentStateTable(TestingDatabase.CLIENT);

    @Test
    void upsertsDeletesAndFindsAUsersRooms() {
        String room = TestingDatabase.roomId();
        String user = "@" + java.util.UUID.randomUUID() + ":test.lattice";
        StateKey member = StateKey.of("m.room.member", user);
        table.upsert(
                        room,
                        List.of(
                                new CurrentStateRow(room, member, "$invite", "invite"),
                                new CurrentStateRow(room, StateKey.of("m.room.topic", ""), "$topic", null)))
                .block();
        assertThat(table.selectMemberships(user, "invite").block())
                .extracting(CurrentStateRow::roomId)
                .containsExactly(room);

        table.upsert(room, List.of(new CurrentStateRow(room, member, "$join", "join")))
                .block();
        assertThat(table.select(room, member).block().orElseThrow().eventId()).isEqualTo("$join");
        assertThat(table.selectMemberships(user, "invite").block()).isEmpty();
        assertThat(table.selectMemberships(user, "join").block()).hasSize(1);
        assertThat(table.selectRoom(room).block()).hasSize(2);

        table.delete(room, List.of(StateKey.of("m.room.topic", ""))).block();
        assertThat(table.selectRoom(room).block())
                .extracting(CurrentStateRow::eventId)
                .containsExactly("$join");
    }

    @Test
    void writesManyEntriesInOneStatementTheLastOfAKeyWinning() {
        String room = TestingDatabase.roomId();
        List<CurrentStateRow> rows = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            rows.add(new CurrentStateRow(room, StateKey.of("m.room.member", "@u" + i + ":test"), "$join" + i, "join"));
        }
        rows.add(new CurrentStateRow(room, StateKey.of("m.room.member", "@u0:test"), "$leave0", "leave"));
        table.upsert(room, rows).block();

        assertThat(table.selectRoom(room).block()).hasSize(3000);
        assertThat(table.select(room, StateKey.of("m.room.member", "@u0:test"))
                        .block()
                        .orElseThrow()
                        .membership())
                .isEqualTo("leave");

        table.delete(
                        room,
                        rows.subList(1, 2000).stream().map(CurrentStateRow::key).toList())
                .block();
        assertThat(table.selectRoom(room).block()).hasSize(1001);
    }

    @Test
    void joinedServersAreTheServerNamesOfJoinedMembersOnce() {
        String room = TestingDatabase.roomId();
        table.upsert(
                        room,
                        List.of(
                                new CurrentStateRow(room, StateKey.of("m.room.member", "@a:one.test"), "$a", "join"),
                                new CurrentStateRow(room, StateKey.of("m.room.member", "@b:one.test"), "$b", "join"),
                                new CurrentStateRow(
                                        room, StateKey.of("m.room.member", "@c:two.test:8448"), "$c", "join"),
                                new CurrentStateRow(room, StateKey.of("m.room.member", "@d:three.test"), "$d", "leave"),
                                new CurrentStateRow(room, StateKey.of("m.room.name", ""), "$n", null)))
                .block();

        assertThat(table.selectJoinedServers(room).block()).containsExactlyInAnyOrder("one.test", "two.test:8448");
    }
}
