package dev.lattice.clientapi.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;

/** {@code clientapi.room_aliases} against a real PostgreSQL. */
class RoomAliasesTableIT {
    private final RoomAliasesTable table = new RoomAliasesTable(TestingDatabase.CLIENT);

    private static String alias() {
        return "#a" + UUID.randomUUID().toString().substring(0, 8) + ":test.lattice";
    }

    @Test
    void anAliasIsTakenOnceAndPointsAtItsRoom() {
        String room = TestingDatabase.roomId();
        String first = alias();
        String second = alias();
        assertThat(table.insert(first, room, "@alice:test.lattice", 1).block()).isTrue();
        assertThat(table.insert(first, TestingDatabase.roomId(), "@bob:test.lattice", 2)
                        .block())
                .isFalse();
        assertThat(table.insert(second, room, "@bob:test.lattice", 3).block()).isTrue();

        assertThat(table.selectRoom(first).block()).isEqualTo(room);
        assertThat(table.selectCreator(first).block()).isEqualTo("@alice:test.lattice");
        assertThat(table.selectByRoom(room).collectList().block()).containsExactlyInAnyOrder(first, second);
        assertThat(table.selectRoom(alias()).blockOptional()).isEmpty();
    }

    @Test
    void deletingAnAliasFreesIt() {
        String room = TestingDatabase.roomId();
        String alias = alias();
        table.insert(alias, room, "@alice:test.lattice", 1).block();
        assertThat(table.delete(alias).block()).isTrue();
        assertThat(table.delete(alias).block()).isFalse();
        assertThat(table.selectRoom(alias).blockOptional()).isEmpty();
        assertThat(table.insert(alias, room, "@bob:test.lattice", 2).block()).isTrue();
    }
}
