package dev.lattice.api.roomserver;

import static java.util.Objects.requireNonNull;

import dev.lattice.protocol.id.EventId;
import dev.lattice.protocol.id.RoomId;
import java.util.List;

/**
 * The current state of a room this server joined with partial state gained what the partial state lacked (the
 * members the resident server omitted), with no event of its own: the roomserver received the whole state before the
 * join ({@link PartialStateCompletion}). Published after the {@link StateOutliers} that carry the events it names;
 * {@link PartialStateStarted} came before the join.
 * Consumers apply it as a state delta; a replay must change nothing (each named event is already current).
 *
 * @param roomId the room
 * @param addsStateEventIds events that became part of the current state
 */
public record PartialStateCompleted(RoomId roomId, List<EventId> addsStateEventIds) implements OutputRoomEvent {

    public PartialStateCompleted {
        requireNonNull(roomId, "roomId is null");
        addsStateEventIds = List.copyOf(addsStateEventIds);
    }
}
