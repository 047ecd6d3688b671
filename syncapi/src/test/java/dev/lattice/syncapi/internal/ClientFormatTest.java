package dev.lattice.syncapi.internal;

import static dev.lattice.syncapi.internal.StoredEvents.event;
import static dev.lattice.syncapi.internal.StoredEvents.message;
import static dev.lattice.syncapi.internal.StoredEvents.withTransaction;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.api.clientapi.AuthenticatedDevice;
import dev.lattice.api.roomserver.SendTransaction;
import dev.lattice.protocol.id.DeviceId;
import dev.lattice.protocol.id.UserId;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.json.JsonObjectBuilder;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Stored events in the client format: unsigned is built per viewer from what the read model stores. */
class ClientFormatTest {
    private static final UserId ALICE = UserId.parse("@alice:example.org");
    private static final AuthenticatedDevice PHONE =
            new AuthenticatedDevice(ALICE, DeviceId.parse("PHONE"), false, Optional.empty());
    private static final AuthenticatedDevice LAPTOP =
            new AuthenticatedDevice(ALICE, DeviceId.parse("LAPTOP"), false, Optional.empty());

    @Test
    void keepsTheClientFieldsAndDropsTheFederationOnes() {
        JsonObject client = message(7, "shared").toClient(PHONE, 1_500, false);
        assertThat(client.members().keySet())
                .containsExactlyInAnyOrder("event_id", "type", "sender", "origin_server_ts", "content", "unsigned");
        assertThat(client.getObject("unsigned").orElseThrow().getInteger("age")).contains(500L);
        assertThat(message(7, "shared").toClient(PHONE, 1_500, true).getString("room_id"))
                .contains(StoredEvents.ROOM);
    }

    @Test
    void stateEventsKeepTheirStateKey() {
        JsonObject client = event(
                        3,
                        "m.room.name",
                        "",
                        new JsonObjectBuilder().put("name", "Room").build(),
                        "shared")
                .toClient(PHONE, 0, false);
        assertThat(client.getString("state_key")).contains("");
        assertThat(client.getObject("unsigned").orElseThrow().getInteger("age")).contains(0L);
    }

    @Test
    void onlyTheSendingDeviceSeesTheTransactionId() {
        var sent = withTransaction(message(7, "shared"), new SendTransaction(ALICE, DeviceId.parse("PHONE"), "t1"));
        assertThat(sent.toClient(PHONE, 2_000, false)
                        .getObject("unsigned")
                        .orElseThrow()
                        .getString("transaction_id"))
                .contains("t1");
        assertThat(sent.toClient(LAPTOP, 2_000, false)
                        .getObject("unsigned")
                        .orElseThrow()
                        .has("transaction_id"))
                .isFalse();
    }
}
