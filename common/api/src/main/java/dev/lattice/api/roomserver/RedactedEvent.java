package dev.lattice.api.roomserver;

import static java.util.Objects.requireNonNull;

import dev.lattice.protocol.id.EventId;
import dev.lattice.protocol.id.RoomId;

/**
 * A redaction took effect on an event the consumer may already hold: replace that event's stored form with its
 * redacted form (the consumer redacts with the room version's rules) and remember {@code redactionEventId} in its
 * {@code unsigned.redacted_because}. Idempotent by nature: redacting twice gives the same result.
 *
 * @param roomId the room
 * @param redactedEventId the event whose content goes
 * @param redactionEventId the {@code m.room.redaction} event that removed it (itself sent as a {@link NewRoomEvent})
 */
public record RedactedEvent(RoomId roomId, EventId redactedEventId, EventId redactionEventId)
        implements OutputRoomEvent {
    public RedactedEvent {
        requireNonNull(roomId, "roomId is null");
        requireNonNull(redactedEventId, "redactedEventId is null");
        requireNonNull(redactionEventId, "redactionEventId is null");
    }
}
