package dev.lattice.runtime.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lattice.api.roomserver.NewRoomEvent;
import dev.lattice.api.roomserver.OutputRoomEvent;
import dev.lattice.api.roomserver.RedactedEvent;
import dev.lattice.api.roomserver.SendTransaction;
import dev.lattice.protocol.id.DeviceId;
import dev.lattice.protocol.id.EventId;
import dev.lattice.protocol.id.RoomId;
import dev.lattice.protocol.id.UserId;
import dev.lattice.protocol.version.RoomVersionId;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JacksonException;

/** Bus payloads survive the round trip with their type discriminator and typed identifiers. */
class BusJsonTest {

    @Test
    void outputRoomEventsRoundTripThroughTheirInterface() {
        OutputRoomEvent event = new NewRoomEvent(
                RoomId.parse("!room:example.org"),
                RoomVersionId.of("11"),
                EventId.parse("$abc"),
                "{\"type\":\"m.room.message\"}",
                List.of(EventId.parse("$abc")),
                List.of(),
                new SendTransaction(UserId.parse("@alice:example.org"), DeviceId.parse("DEV"), "txn1"),
                false);
        byte[] bytes = BusJson.encode(event);
        assertThat(new String(bytes, StandardCharsets.UTF_8))
                .contains("\"type\":\"new_room_event\"")
                .contains("\"roomVersion\":\"11\"")
                .contains("\"roomId\":\"!room:example.org\"")
                .contains("\"eventId\":\"$abc\"")
                .contains("\"userId\":\"@alice:example.org\"");
        assertThat(BusJson.decode(bytes, OutputRoomEvent.class)).isEqualTo(event);

        OutputRoomEvent redacted = new RedactedEvent(
                RoomId.parse("!room:example.org"), EventId.parse("$abc"), EventId.parse("$redaction"));
        assertThat(BusJson.decode(BusJson.encode(redacted), OutputRoomEvent.class))
                .isEqualTo(redacted);
    }

    @Test
    void unknownFieldsAreIgnoredButGarbageIsRefused() {
        String newer = "{\"type\":\"redacted_event\",\"roomId\":\"!r:x\",\"redactedEventId\":\"$a\","
                + "\"redactionEventId\":\"$b\",\"addedInV2\":true}";
        assertThat(BusJson.decode(newer.getBytes(StandardCharsets.UTF_8), OutputRoomEvent.class))
                .isEqualTo(new RedactedEvent(RoomId.parse("!r:x"), EventId.parse("$a"), EventId.parse("$b")));
        assertThatThrownBy(() -> BusJson.decode("not json".getBytes(StandardCharsets.UTF_8), OutputRoomEvent.class))
                .isInstanceOf(JacksonException.class);
    }
}
