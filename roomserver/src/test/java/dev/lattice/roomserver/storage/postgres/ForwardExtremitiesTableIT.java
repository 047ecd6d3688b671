package dev.lattice.roomserver.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ForwardExtremitiesTableIT {
    private final ForwardExtremitiesTable table = new ForwardExtremitiesTable(TestingDatabase.CLIENT);

    @Test
    void replacesPrevEventsWithTheNewExtremity() {
        String room = TestingDatabase.roomId();
        table.insert(room, "$a").block();
        table.insert(room, "$b").block();
        table.insert(room, "$b").block(); // idempotent
        assertThat(table.select(room).block()).containsExactly("$a", "$b");
        table.delete(room, List.of("$a", "$b", "$unknown")).block();
        table.insert(room, "$c").block();
        assertThat(table.select(room).block()).containsExactly("$c");
    }
}
