package dev.lattice.api.roomserver;

import static java.util.Objects.requireNonNull;

import dev.lattice.protocol.event.ClientEventFormat;
import dev.lattice.protocol.id.EventId;
import dev.lattice.protocol.id.RoomId;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.version.RoomVersionId;
import java.util.Optional;

/**
 * An event as the roomserver stores it, for readers: parse {@code pdu} with the rules of {@code roomVersion}
 * ({@code Pdu.parse}).
 *
 * @param roomId the room
 * @param roomVersion the room's version
 * @param eventId the event's ID
 * @param type the event type
 * @param stateKey the state key; null for a message (non-state) event
 * @param pdu the event's canonical JSON; its redacted form when a redaction took effect on it
 * @param redactedBy the {@code m.room.redaction} that redacted it, for {@code unsigned.redacted_because}; null if none
 */
public record StoredEvent(
        RoomId roomId,
        RoomVersionId roomVersion,
        EventId eventId,
        String type,
        String stateKey,
        String pdu,
        EventId redactedBy) {

    public StoredEvent {
        requireNonNull(roomId, "roomId is null");
        requireNonNull(roomVersion, "roomVersion is null");
        requireNonNull(eventId, "eventId is null");
        requireNonNull(type, "type is null");
        requireNonNull(pdu, "pdu is null");
    }

    /** Whether this is a state event. */
    public boolean isState() {
        return stateKey != null;
    }

    /** The event's {@code origin_server_ts}. */
    public long originServerTs() {
        return CanonicalJson.parseObject(pdu).getInteger("origin_server_ts").orElse(0L);
    }

    /** The event's {@code content}. */
    public JsonObject content() {
        return CanonicalJson.parseObject(pdu).getObject("content").orElse(JsonObject.EMPTY);
    }

    /** The event in the client format, with {@code room_id} and the given {@code unsigned}. */
    public JsonObject toClient(ClientEventFormat.Unsigned unsigned) {
        return ClientEventFormat.format(
                roomVersion, eventId.value(), Optional.of(roomId.value()), CanonicalJson.parseObject(pdu), unsigned);
    }
}
