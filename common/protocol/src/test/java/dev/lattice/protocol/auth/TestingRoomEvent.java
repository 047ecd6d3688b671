package dev.lattice.protocol.auth;

import static java.util.Objects.requireNonNull;

import dev.lattice.protocol.event.RoomEvent;
import dev.lattice.protocol.json.CanonicalJsonValue;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.json.JsonString;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A {@link RoomEvent} over plain values, built by tests or from fixture PDUs (which carry no hashes/signatures). */
public record TestingRoomEvent(
        String eventId,
        String roomId,
        String sender,
        String type,
        Optional<String> stateKey,
        JsonObject content,
        List<String> prevEvents,
        List<String> authEvents,
        long originServerTs,
        long depth,
        Optional<String> redacts)
        implements RoomEvent {

    public TestingRoomEvent {
        requireNonNull(eventId, "eventId is null");
        requireNonNull(roomId, "roomId is null");
        requireNonNull(sender, "sender is null");
        requireNonNull(type, "type is null");
        requireNonNull(stateKey, "stateKey is null");
        requireNonNull(content, "content is null");
        prevEvents = List.copyOf(prevEvents);
        authEvents = List.copyOf(authEvents);
        requireNonNull(redacts, "redacts is null");
    }

    /**
     * Reads a fixture PDU. A create event without {@code room_id} (room version 12) gets the room ID derived from its
     * event ID; {@code redacts} is read from the top level, then from {@code content}.
     */
    public static TestingRoomEvent fromJson(JsonObject pdu) {
        String eventId = pdu.getString("event_id").orElseThrow();
        String roomId = pdu.getString("room_id").orElseGet(() -> "!" + eventId.substring(1));
        Optional<String> redacts = pdu.getString("redacts");
        JsonObject content = pdu.getObject("content").orElse(JsonObject.EMPTY);
        if (redacts.isEmpty()) {
            redacts = content.getString("redacts");
        }
        return new TestingRoomEvent(
                eventId,
                roomId,
                pdu.getString("sender").orElseThrow(),
                pdu.getString("type").orElseThrow(),
                pdu.getString("state_key"),
                content,
                strings(pdu, "prev_events"),
                strings(pdu, "auth_events"),
                pdu.getInteger("origin_server_ts").orElse(0L),
                pdu.getInteger("depth").orElse(0L),
                redacts);
    }

    private static List<String> strings(JsonObject pdu, String name) {
        List<String> result = new ArrayList<>();
        pdu.getArray(name).ifPresent(array -> {
            for (CanonicalJsonValue value : array.values()) {
                result.add(((JsonString) value).value());
            }
        });
        return result;
    }

    @Override
    public String toString() {
        return eventId + " " + type + stateKey.map(k -> "[" + k + "]").orElse("") + " by " + sender;
    }
}
