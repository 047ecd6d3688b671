package dev.lattice.protocol.id;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Optional;

/**
 * A room ID (<a href="https://spec.matrix.org/v1.19/appendices/#room-ids">Room IDs</a>): {@code !opaque:server_name}
 * in room versions 1–11, or, from room version 12, {@code !} followed by the create event's reference hash in
 * URL-safe unpadded base64 (43 characters, no server name).
 */
public record RoomId(String value) {

    public RoomId {
        IdValidation.roomId(value);
    }

    @JsonCreator
    public static RoomId parse(String value) {
        return new RoomId(value);
    }

    /** Builds {@code !opaque:server} (room versions 1–11). */
    public static RoomId of(String opaque, ServerName server) {
        return new RoomId("!" + opaque + ":" + server.value());
    }

    /** The room ID of a room version 12 room whose create event has ID {@code createEventId}. */
    public static RoomId fromCreateEventId(EventId createEventId) {
        return new RoomId("!" + createEventId.value().substring(1));
    }

    /** The server that created the room, absent for room version 12 IDs, which are hashes. */
    public Optional<ServerName> serverName() {
        int colon = value.indexOf(':');
        return colon < 0 ? Optional.empty() : Optional.of(new ServerName(value.substring(colon + 1)));
    }

    /** The part between the sigil and the server name (the whole hash for room version 12 IDs). */
    public String opaqueId() {
        int colon = value.indexOf(':');
        return colon < 0 ? value.substring(1) : value.substring(1, colon);
    }

    /** Whether this is a room version 12 ID, the hash of the create event. */
    public boolean isCreateEventHash() {
        return value.indexOf(':') < 0;
    }

    /** For room version 12 IDs, the ID of the room's create event ({@code $} instead of {@code !}). */
    public Optional<EventId> createEventId() {
        return isCreateEventHash() ? Optional.of(new EventId("$" + value.substring(1))) : Optional.empty();
    }

    @JsonValue
    @Override
    public String toString() {
        return value;
    }
}
