package dev.lattice.roomserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lattice.api.roomserver.InputKind;
import dev.lattice.api.roomserver.InputOutliers;
import dev.lattice.api.roomserver.InputRoomEvent;
import dev.lattice.api.roomserver.InputVerdict;
import dev.lattice.api.roomserver.NewRoomEvent;
import dev.lattice.api.roomserver.OutputRoomEvent;
import dev.lattice.api.roomserver.RedactedEvent;
import dev.lattice.api.roomserver.SendTransaction;
import dev.lattice.api.roomserver.StateOutliers;
import dev.lattice.protocol.id.DeviceId;
import dev.lattice.protocol.id.EventId;
import dev.lattice.protocol.id.RoomId;
import dev.lattice.protocol.id.ServerName;
import dev.lattice.protocol.id.UserId;
import dev.lattice.protocol.spec.ErrorCode;
import dev.lattice.protocol.spec.MatrixException;
import dev.lattice.protocol.version.RoomVersionId;
import dev.lattice.runtime.bus.BusJson;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The roomserver's bus payloads survive the bus codec, typed identifiers and all. */
class ContractsJsonTest {
    private static final SendTransaction TXN = SendTransaction.redact(
            UserId.parse("@a:test.lattice"), DeviceId.parse("D"), "t1", RoomId.parse("!r:test.lattice"), "$e");

    @Test
    void inputRoomEventRoundTrips() {
        InputRoomEvent input = InputRoomEvent.newEvent(
                        RoomId.parse("!r:test.lattice"), RoomVersionId.V10, "{}", ServerName.parse("test.lattice"), TXN)
                .withReply("instance", "request");
        assertThat(BusJson.decode(BusJson.encode(input), InputRoomEvent.class)).isEqualTo(input);
        assertThat(input.kind()).isEqualTo(InputKind.NEW);
        assertThat(input.version()).isEqualTo(InputRoomEvent.VERSION);
    }

    @Test
    void verdictsRoundTripAndTellTheClientWhatToAnswer() {
        EventId id = new EventId("$e");
        EventId earlier = new EventId("$earlier");
        for (InputVerdict verdict : List.of(
                InputVerdict.accepted("r", id),
                InputVerdict.duplicateTransaction("r", id, earlier),
                InputVerdict.rejected("r", id, ErrorCode.FORBIDDEN, "no"),
                InputVerdict.softFailed("r", id, "late"))) {
            assertThat(BusJson.decode(BusJson.encode(verdict), InputVerdict.class))
                    .isEqualTo(verdict);
        }
        assertThat(InputVerdict.duplicateTransaction("r", id, earlier).eventIdOrThrow())
                .isEqualTo(earlier);
        assertThatThrownBy(() -> InputVerdict.rejected("r", id, ErrorCode.FORBIDDEN, "no")
                        .eventIdOrThrow())
                .isInstanceOfSatisfying(
                        MatrixException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.FORBIDDEN));
    }

    @Test
    void outputRecordsKeepTheirTypeDiscriminator() {
        RoomId room = RoomId.parse("!r:test.lattice");
        EventId e = EventId.parse("$e");
        OutputRoomEvent event = new NewRoomEvent(room, RoomVersionId.V12, e, "{}", List.of(e), List.of(), TXN, false);
        OutputRoomEvent redaction = new RedactedEvent(room, e, EventId.parse("$r"));
        assertThat(new String(BusJson.encode(event), java.nio.charset.StandardCharsets.UTF_8))
                .contains("\"type\":\"new_room_event\"");
        assertThat(BusJson.decode(BusJson.encode(event), OutputRoomEvent.class)).isEqualTo(event);
        assertThat(BusJson.decode(BusJson.encode(redaction), OutputRoomEvent.class))
                .isEqualTo(redaction);
        OutputRoomEvent outliers = new StateOutliers(
                room,
                List.of(new NewRoomEvent(room, RoomVersionId.V12, e, "{}", List.of(), List.of(), null, true, true)));
        assertThat(BusJson.decode(BusJson.encode(outliers), OutputRoomEvent.class))
                .isEqualTo(outliers);
        assertThatThrownBy(() -> new StateOutliers(room, List.of((NewRoomEvent) event)))
                .as("only outliers")
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void outlierBatchesAndTheirVerdictsRoundTripAndAreToldApartFromSingleInputs() {
        InputOutliers batch = InputOutliers.of(
                        RoomId.parse("!r:test.lattice"),
                        RoomVersionId.V12,
                        List.of("{}", "{\"a\":1}"),
                        ServerName.parse("remote.test"))
                .withReply("instance", "request");
        assertThat(BusJson.decode(BusJson.encode(batch), InputOutliers.class)).isEqualTo(batch);
        assertThat(BusJson.tree(BusJson.encode(batch)).has(InputOutliers.DISCRIMINATOR))
                .isTrue();
        InputRoomEvent single = InputRoomEvent.outlier(
                RoomId.parse("!r:test.lattice"), RoomVersionId.V12, "{}", ServerName.parse("remote.test"));
        assertThat(BusJson.tree(BusJson.encode(single)).has(InputOutliers.DISCRIMINATOR))
                .isFalse();
        InputVerdict held = InputVerdict.outliersHeld("request", List.of(EventId.parse("$a"), EventId.parse("$b")));
        assertThat(BusJson.decode(BusJson.encode(held), InputVerdict.class)).isEqualTo(held);
    }
}
