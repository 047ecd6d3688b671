package dev.lattice.roomserver.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.api.roomserver.InputKind;
import dev.lattice.roomserver.storage.EventRow;
import dev.lattice.roomserver.storage.EventStatus;
import dev.lattice.roomserver.storage.RoomserverDatabase;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ForwardExtremitiesTableIT {
    private final ForwardExtremitiesTable table = new ForwardExtremitiesTable(TestingDatabase.CLIENT);
    private final EventsTable events = new EventsTable(TestingDatabase.CLIENT);
    private final CurrentStateTable currentState = new CurrentStateTable(TestingDatabase.CLIENT);

    @Test
    void replacesPrevEventsWithTheNewExtremityAndIsReadWithItsEvents() {
        String room = TestingDatabase.roomId();
        String a = stored(room);
        String b = stored(room);
        String c = stored(room);
        stored(room); // an event of the room that is no extremity
        table.replace(room, List.of(), Optional.of(a)).block();
        table.replace(room, List.of(), Optional.of(b)).block();
        table.replace(room, List.of(), Optional.of(b)).block(); // idempotent
        assertThat(extremities(room)).containsExactlyInAnyOrder(a, b);
        table.replace(room, List.of(a, b, "$unknown"), Optional.of(c)).block();
        assertThat(extremities(room)).containsExactly(c);
        table.replace(room, List.of(c), Optional.empty()).block();
        assertThat(extremities(room)).isEmpty();
        assertThat(extremities(TestingDatabase.roomId())).isEmpty();
    }

    private List<String> extremities(String room) {
        return currentState.selectLatest(room, List.of()).block().extremities().stream()
                .map(RoomserverDatabase.Extremity::eventId)
                .toList();
    }

    /** Stores a message of the room; its ID. */
    private String stored(String room) {
        String id = TestingDatabase.eventId();
        events.insert(
                        new EventRow(
                                0,
                                id,
                                room,
                                "m.room.message",
                                null,
                                "@bob:test.lattice",
                                3,
                                123,
                                null,
                                null,
                                List.of(),
                                List.of(),
                                InputKind.NEW,
                                EventStatus.ACCEPTED,
                                null,
                                null,
                                null,
                                null,
                                "{}".getBytes(StandardCharsets.UTF_8),
                                null,
                                null,
                                456),
                        Optional.empty(),
                        false)
                .block();
        return id;
    }
}
