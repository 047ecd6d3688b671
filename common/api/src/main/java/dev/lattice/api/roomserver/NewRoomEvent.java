package dev.lattice.api.roomserver;

import static java.util.Objects.requireNonNull;

import dev.lattice.protocol.id.EventId;
import dev.lattice.protocol.id.RoomId;
import dev.lattice.protocol.version.RoomVersionId;
import java.util.List;

/**
 * An event the roomserver accepted into a room's timeline (never a rejected or soft-failed one), with how it changed
 * the room's current state. Consumers deduplicate by {@code eventId}: a replayed record must change nothing.
 *
 * @param roomId the room
 * @param roomVersion the room's version, which says how to read {@code pdu}
 * @param eventId the event's ID
 * @param pdu the event exactly as stored: its canonical JSON, signatures and hashes included
 * @param addsStateEventIds events that became part of the current state with this event (this one, if it is a state
 *     event that won; several after a state resolution)
 * @param removesStateEventIds events that left the current state with this event
 * @param transaction the client transaction it was sent in, when a local client sent it; otherwise null
 * @param historical true for backfilled events, which belong before the timeline's start, not at its end
 * @param outlier true (with {@code historical}) for an event of the room's state that has no place in the timeline
 *     here: the state a join to another server's room starts from, published (within {@link StateOutliers}) just
 *     before the join names it in {@code addsStateEventIds}. Readers keep it for state lookups and never show it in
 *     a timeline.
 */
public record NewRoomEvent(
        RoomId roomId,
        RoomVersionId roomVersion,
        EventId eventId,
        String pdu,
        List<EventId> addsStateEventIds,
        List<EventId> removesStateEventIds,
        SendTransaction transaction,
        boolean historical,
        boolean outlier)
        implements OutputRoomEvent {

    public NewRoomEvent {
        requireNonNull(roomId, "roomId is null");
        requireNonNull(roomVersion, "roomVersion is null");
        requireNonNull(eventId, "eventId is null");
        requireNonNull(pdu, "pdu is null");
        addsStateEventIds = List.copyOf(addsStateEventIds);
        removesStateEventIds = List.copyOf(removesStateEventIds);
        if (outlier && !historical) {
            throw new IllegalArgumentException("an outlier is never at the timeline's end");
        }
    }

    /** An event in the timeline ({@code outlier} false). */
    public NewRoomEvent(
            RoomId roomId,
            RoomVersionId roomVersion,
            EventId eventId,
            String pdu,
            List<EventId> addsStateEventIds,
            List<EventId> removesStateEventIds,
            SendTransaction transaction,
            boolean historical) {
        this(
                roomId,
                roomVersion,
                eventId,
                pdu,
                addsStateEventIds,
                removesStateEventIds,
                transaction,
                historical,
                false);
    }
}
