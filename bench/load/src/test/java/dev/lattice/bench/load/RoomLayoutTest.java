package dev.lattice.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RoomLayoutTest {

    @Test
    void enoughUsersGiveEveryUserOneRoom() {
        RoomLayout layout = new RoomLayout(200, 100, 2);

        Set<Integer> everyone = new HashSet<>();
        for (int room = 0; room < 100; room++) {
            everyone.addAll(layout.members(room));
        }

        assertThat(everyone).hasSize(200);
        assertThat(layout.members(7)).containsExactly(14, 15);
        assertThat(layout.sender(7)).isEqualTo(14);
        assertThat(layout.observers(7)).containsExactly(15);
    }

    @Test
    void fewerUsersAreSharedButARoomsMembersStayDistinct() {
        RoomLayout layout = new RoomLayout(5, 10, 3);

        for (int room = 0; room < 10; room++) {
            assertThat(new HashSet<>(layout.members(room))).hasSize(3);
        }
        assertThat(layout.members(3)).containsExactly(4, 0, 1);
    }

    @Test
    void messagesGoRoundRobin() {
        RoomLayout layout = new RoomLayout(200, 100, 2);

        assertThat(List.of(layout.roomOf(0), layout.roomOf(99), layout.roomOf(100), layout.roomOf(1_000_000_123L)))
                .containsExactly(0, 99, 0, 23);
    }

    @Test
    void aRoomNeedsSomeoneToWatchIt() {
        assertThatThrownBy(() -> new RoomLayout(10, 5, 1)).hasMessageContaining("at least one other member");
        assertThatThrownBy(() -> new RoomLayout(2, 5, 3)).hasMessageContaining("distinct");
    }
}
