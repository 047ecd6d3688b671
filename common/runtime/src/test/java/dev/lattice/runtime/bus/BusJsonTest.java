package dev.lattice.runtime.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lattice.api.roomserver.NewRoomEvent;
import dev.lattice.api.roomserver.OutputRoomEvent;
import dev.lattice.api.roomserver.RedactedEvent;
import dev.lattice.api.roomserver.SendTransaction;
import dev.lattice.protocol.id.DeviceId;
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
                "!room:example.org",
                RoomVersionId.of("11"),
                "$abc",
                "{\"type\":\"m.room.message\"}",
                List.of("$abc"),
                List.of(),
                new SendTransaction(UserId.parse("@alice:example.org"), DeviceId.parse("DEV"), "txn1"),
                false);
        byte[] bytes = BusJson.encode(event);
        assertThat(new String(bytes, StandardCharsets.UTF_8))
                .contains("\"type\":\"new_room_event\"")
                .contains("\"roomVersion\":\"11\"")
                .contains("\"userId\":\"@alice:example.org\"");
        assertThat(BusJson.decode(bytes, OutputRoomEvent.class)).isEqualTo(event);

        OutputRoomEvent redacted = new RedactedEvent("!room:example.org", "$abc", "$redaction");
        assertThat(BusJson.decode(BusJson.encode(redacted), OutputRoomEvent.class))
                .isEqualTo(redacted);
    }

    @Test
    void unknownFieldsAreIgnoredButGarbageIsRefused() {
        String newer = "{\"type\":\"redacted_event\",\"roomId\":\"!r:x\",\"redactedEventId\":\"$a\","
                + "\"redactionEventId\":\"$b\",\"addedInV2\":true}";
        assertThat(BusJson.decode(newer.getBytes(StandardCharsets.UTF_8), OutputRoomEvent.class))
                .isEqualTo(new RedactedEvent("!r:x", "$a", "$b"));
        assertThatThrownBy(() -> BusJson.decode("not json".getBytes(StandardCharsets.UTF_8), OutputRoomEvent.class))
                .isInstanceOf(JacksonException.class);
    }
}
