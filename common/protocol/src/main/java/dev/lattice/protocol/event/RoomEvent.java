package dev.lattice.protocol.event;

import dev.lattice.protocol.json.JsonObject;
import java.util.List;
import java.util.Optional;

/**
 * The fields of a room event (PDU) that authorization and state resolution read, whatever the room version's
 * event format. A parsed PDU implements it; tests may implement it directly over fixture JSON.
 *
 * <p>Identifiers are plain strings here because this view is read in the hottest loops of state resolution and
 * the values were validated when the PDU was parsed.
 */
public interface RoomEvent {

    /** The event ID, {@code $...}; computed from the reference hash for room versions 3 and later. */
    String eventId();

    /**
     * The room ID. For room version 12 create events, which carry no {@code room_id}, this is the ID derived from
     * the event's own ID.
     */
    String roomId();

    /** The sender's user ID. */
    String sender();

    /** The event type, e.g. {@code m.room.member}. */
    String type();

    /** The state key; present exactly for state events. */
    Optional<String> stateKey();

    /** The event content (after redaction if the event was redacted). */
    JsonObject content();

    /** The IDs of the events this one follows in the room DAG. */
    List<String> prevEvents();

    /** The IDs of the events that authorize this one. */
    List<String> authEvents();

    /** The sender's timestamp in milliseconds. */
    long originServerTs();

    /** The event's depth in the DAG, as its sender claimed it. */
    long depth();

    /**
     * For {@code m.room.redaction}: the ID of the redacted event, wherever the room version keeps it (top level up
     * to version 10, {@code content.redacts} from version 11).
     */
    Optional<String> redacts();

    /** Whether this is a state event. */
    default boolean isState() {
        return stateKey().isPresent();
    }
}
