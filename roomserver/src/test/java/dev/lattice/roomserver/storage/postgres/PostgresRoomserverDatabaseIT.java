package dev.lattice.roomserver.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lattice.protocol.auth.StateKey;
import dev.lattice.protocol.version.RoomVersionId;
import dev.lattice.roomserver.storage.CurrentStateRow;
import dev.lattice.roomserver.storage.EventRow;
import dev.lattice.roomserver.storage.EventStatus;
import dev.lattice.roomserver.storage.EventWrite;
import dev.lattice.roomserver.storage.RoomRow;
import dev.lattice.roomserver.storage.RoomserverDatabase;
import dev.lattice.roomserver.storage.StateSnapshot;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/**
 * The multi-table logic: state snapshots as bounded delta chains, each stored event atomic (one transaction, or one
 * statement), and what the only writer remembers.
 */
class PostgresRoomserverDatabaseIT {
    private final PostgresRoomserverDatabase database = TestingDatabase.roomserverDatabase(3);

    @Test
    void stateSnapshotsAreDeltasWithABoundedChainAndMessagesShareTheirSnapshot() {
        String room = TestingDatabase.roomId();
        Map<StateKey, String> state = new HashMap<>();
        StateSnapshot base = null;
        EventRow previous = null;
        for (int i = 0; i < 8; i++) {
            EventRow event = TestingDatabase.event(room, "m.room.topic", "k" + i, null, EventStatus.ACCEPTED);
            EventRow stored = database.store(new EventWrite(
                            i == 0 ? new RoomRow(room, RoomVersionId.V12, "$c", 1) : null,
                            event,
                            base,
                            state,
                            true,
                            previous == null ? List.of() : List.of(previous.eventId()),
                            true,
                            List.of(new CurrentStateRow(
                                    room, StateKey.of("m.room.topic", "k" + i), event.eventId(), null)),
                            List.of(),
                            null,
                            null,
                            List.of(),
                            false,
                            null))
                    .block();
            state.put(StateKey.of("m.room.topic", "k" + i), event.eventId());
            base = database.snapshot(stored.stateAfterNid()).block();
            assertThat(base.state()).isEqualTo(state);
            assertThat(base.chainLength()).isLessThan(3);
            previous = stored;
        }
        EventRow message = TestingDatabase.event(room, "m.room.message", null, null, EventStatus.ACCEPTED);
        EventRow stored = database.store(new EventWrite(
                        null,
                        message,
                        base,
                        state,
                        false,
                        List.of(previous.eventId()),
                        true,
                        List.of(),
                        List.of(),
                        null,
                        null,
                        List.of(),
                        false,
                        null))
                .block();
        assertThat(stored.stateBeforeNid()).isEqualTo(base.nid()).isEqualTo(stored.stateAfterNid());

        assertThat(database.currentState(room).block()).isEqualTo(state);
        // Some keys only: those the state has, none of those it lacks.
        StateKey first = StateKey.of("m.room.topic", "k0");
        StateKey absent = StateKey.of("m.room.topic", "absent");
        assertThat(database.currentState(room, List.of(first, absent)).block())
                .isEqualTo(Map.of(first, state.get(first)));
        assertThat(database.currentState(room, List.of()).block()).isEmpty();
        assertThat(database.latest(room, List.of()).block().extremities())
                .extracting(RoomserverDatabase.Extremity::eventId)
                .containsExactly(message.eventId());

        // The state after each stored event: cached by the instance that stored it, read by another.
        List<String> ids = List.of(previous.eventId(), message.eventId(), "$unknown");
        Map<String, Long> statesAfter =
                Map.of(previous.eventId(), previous.stateAfterNid(), message.eventId(), stored.stateAfterNid());
        assertThat(database.statesAfter(ids, false).block()).isEqualTo(statesAfter);
        assertThat(TestingDatabase.roomserverDatabase(3).statesAfter(ids, false).block())
                .isEqualTo(statesAfter);
    }

    @Test
    void theOnlyWriterKeepsWhatANewEventIsBuiltFromUpToDateWithItsOwnWrites() {
        PostgresRoomserverDatabase only = new PostgresRoomserverDatabase(
                TestingDatabase.CLIENT, TestingDatabase.outbox((topic, key, payload) -> Mono.empty()), 3, true);
        String room = TestingDatabase.roomId();
        StateKey topic = StateKey.of("m.room.topic", "");
        List<StateKey> keys = List.of(topic);
        only.store(EventWrite.eventOnly(
                        new RoomRow(room, RoomVersionId.V12, "$c", 1),
                        TestingDatabase.event(room, "m.room.message", null, null, EventStatus.ACCEPTED)))
                .block();
        assertThat(only.latest(room, keys).block())
                .isEqualTo(database.latest(room, keys).block());

        // A state event (stored in a transaction), then a message (in one statement): each changes what is remembered.
        EventRow topicEvent = TestingDatabase.event(room, "m.room.topic", "", null, EventStatus.ACCEPTED);
        only.store(writeOf(
                        topicEvent, List.of(), List.of(new CurrentStateRow(room, topic, topicEvent.eventId(), null))))
                .block();
        EventRow message = TestingDatabase.event(room, "m.room.message", null, null, EventStatus.ACCEPTED);
        only.store(writeOf(message, List.of(topicEvent.eventId()), List.of())).block();
        RoomserverDatabase.Latest read = database.latest(room, keys).block();
        assertThat(read.extremities())
                .extracting(RoomserverDatabase.Extremity::eventId)
                .containsExactly(message.eventId());
        assertThat(read.state()).isEqualTo(Map.of(topic, topicEvent.eventId()));
        assertThat(only.latest(room, keys).block()).isEqualTo(read);

        // A failed store (the same event again) changes nothing, and the room is read again.
        assertThatThrownBy(() -> only.store(writeOf(message, List.of(message.eventId()), List.of()))
                        .block())
                .hasMessageContaining("is stored");
        assertThat(only.latest(room, keys).block()).isEqualTo(read);

        // Remembered, not read again: a change behind the only writer's back is not seen, hence "only".
        new ForwardExtremitiesTable(TestingDatabase.CLIENT)
                .replace(room, List.of(message.eventId()), Optional.empty())
                .block();
        assertThat(database.latest(room, keys).block().extremities()).isEmpty();
        assertThat(only.latest(room, keys).block()).isEqualTo(read);
    }

    /** A write of an event without state that becomes the only extremity, replacing {@code prevs}. */
    private static EventWrite writeOf(EventRow event, List<String> prevs, List<CurrentStateRow> currentStateAdds) {
        return new EventWrite(
                null,
                event,
                null,
                null,
                false,
                prevs,
                true,
                currentStateAdds,
                List.of(),
                null,
                null,
                List.of(),
                false,
                null);
    }

    @Test
    void aFailedStoreChangesNothing() {
        String room = TestingDatabase.roomId();
        EventRow event = TestingDatabase.event(room, "m.room.message", null, null, EventStatus.ACCEPTED);
        database.store(EventWrite.eventOnly(new RoomRow(room, RoomVersionId.V12, "$c", 1), event))
                .block();
        // The same event ID again, with a current state change: the insert fails, the change is rolled back.
        try {
            database.store(new EventWrite(
                            null,
                            event,
                            null,
                            null,
                            false,
                            List.of(),
                            true,
                            List.of(new CurrentStateRow(room, StateKey.of("m.room.topic", ""), "$t", null)),
                            List.of(),
                            null,
                            null,
                            List.of(),
                            false,
                            null))
                    .block();
        } catch (RuntimeException expected) {
            // a duplicate key
        }
        assertThat(database.currentState(room).block()).isEmpty();
        assertThat(database.latest(room, List.of()).block().extremities()).isEmpty();
        // An event stored without state has no state after it.
        assertThat(database.statesAfter(List.of(event.eventId()), false).block())
                .isEmpty();
    }
}
