package dev.lattice.roomserver.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.api.roomserver.InputKind;
import dev.lattice.protocol.event.EventBuilder;
import dev.lattice.protocol.event.Pdu;
import dev.lattice.protocol.id.RoomId;
import dev.lattice.protocol.id.UserId;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.spec.ErrorCode;
import dev.lattice.protocol.version.RoomVersionId;
import dev.lattice.protocol.version.RoomVersionRules;
import dev.lattice.protocol.version.RoomVersions;
import dev.lattice.roomserver.TestingRoomClient;
import dev.lattice.roomserver.storage.EventRow;
import dev.lattice.roomserver.storage.RoomRow;
import dev.lattice.roomserver.storage.postgres.PostgresRoomserverDatabase;
import dev.lattice.roomserver.storage.postgres.TestingDatabase;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link RoomEvents} serves events from its cache only as they were stored: a rejected event never as usable. */
class RoomEventsIT {
    private static final RoomVersionRules RULES =
            RoomVersions.rules(RoomVersionId.V11).orElseThrow();

    private final PostgresRoomserverDatabase database = TestingDatabase.roomserverDatabase(3);
    private final RoomEvents events = new RoomEvents(database);

    @Test
    void aRejectedEventParsedBeforeIsStillLeftOutOfTheUsableEvents() {
        RoomId room = RoomId.of("rooms-" + System.nanoTime(), TestingRoomClient.SERVER);
        Pdu accepted = message(room, "fine");
        Pdu rejected = message(room, "refused");
        EventRow rejectedRow = EventRow.rejected(rejected, InputKind.NEW, ErrorCode.FORBIDDEN, "not allowed", 1);
        database.storeEventsOnly(
                        new RoomRow(room.value(), RULES.id(), "$create", 1),
                        List.of(EventRow.accepted(accepted, InputKind.NEW, 1), rejectedRow))
                .block();
        List<String> ids = List.of(accepted.eventId(), rejected.eventId(), "$unknown");

        assertThat(events.load(RULES, ids).block()).containsOnlyKeys(accepted.eventId());
        // State resolution parses rejected events of auth chains too: that must not make them usable.
        assertThat(events.parse(RULES, rejectedRow).eventId()).isEqualTo(rejected.eventId());
        assertThat(events.load(RULES, ids).block()).containsOnlyKeys(accepted.eventId());
        // Asked again (from the cache now): the event as stored.
        assertThat(events.load(RULES, List.of(accepted.eventId()))
                        .block()
                        .get(accepted.eventId())
                        .bytes())
                .isEqualTo(accepted.bytes());
    }

    private static Pdu message(RoomId room, String body) {
        return EventBuilder.forVersion(RULES)
                .type("m.room.message")
                .sender(UserId.parse("@alice:" + TestingRoomClient.SERVER))
                .roomId(room)
                .content(CanonicalJson.parseObject("{\"msgtype\":\"m.text\",\"body\":\"" + body + "\"}"))
                .prevEvents(List.of())
                .authEvents(List.of())
                .depth(2)
                .originServerTs(System.currentTimeMillis())
                .sign(TestingRoomClient.SERVER, TestingRoomClient.KEY);
    }
}
