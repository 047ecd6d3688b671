package dev.lattice.syncapi.internal;

import dev.lattice.api.roomserver.SendTransaction;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.json.JsonObjectBuilder;
import dev.lattice.protocol.version.RoomVersionId;
import dev.lattice.syncapi.storage.StateSpan;
import dev.lattice.syncapi.storage.StoredEvent;
import java.util.Optional;

/** Fixture builders for stored events and state spans in unit tests. */
final class StoredEvents {
    static final String ROOM = "!room:example.org";

    static StoredEvent event(long position, String type, String stateKey, JsonObject content, String visibility) {
        JsonObjectBuilder pdu = new JsonObjectBuilder()
                .put("type", type)
                .put("sender", "@alice:example.org")
                .put("room_id", ROOM)
                .put("origin_server_ts", 1_000L)
                .put("content", content)
                .put("depth", position)
                .put("hashes", JsonObject.EMPTY)
                .put("signatures", JsonObject.EMPTY);
        if (stateKey != null) {
            pdu.put("state_key", stateKey);
        }
        return new StoredEvent(
                position,
                "$e" + position,
                ROOM,
                RoomVersionId.V10,
                pdu.build(),
                visibility,
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty());
    }

    static StoredEvent message(long position, String visibility) {
        return event(
                position,
                "m.room.message",
                null,
                new JsonObjectBuilder().put("body", "hi").build(),
                visibility);
    }

    static StoredEvent withTransaction(StoredEvent event, SendTransaction transaction) {
        return new StoredEvent(
                event.position(),
                event.eventId(),
                event.roomId(),
                event.roomVersion(),
                event.event(),
                event.historyVisibility(),
                event.prevContent(),
                event.replacesState(),
                Optional.of(transaction),
                event.redactedBecause());
    }

    /** A membership of {@code user} from {@code added} (inclusive) to {@code removed} (exclusive; null = current). */
    static StateSpan membership(String user, String membership, long added, Long removed) {
        return new StateSpan(
                ROOM,
                "m.room.member",
                user,
                "$m" + added,
                Optional.of(membership),
                added,
                Optional.ofNullable(removed));
    }

    private StoredEvents() {}
}
