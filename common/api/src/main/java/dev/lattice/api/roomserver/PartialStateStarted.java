package dev.lattice.api.roomserver;

import static java.util.Objects.requireNonNull;

import dev.lattice.protocol.id.EventId;
import dev.lattice.protocol.id.RoomId;

/**
 * This server's join to a room of another server started from a partial state (the members omitted): published just
 * before the join's {@link NewRoomEvent}; {@link PartialStateCompleted} follows once the state is complete. Readers
 * that answer with the whole member list (a client's {@code /members}, which clients use to know whom to encrypt to)
 * wait for it meanwhile. A replay changes nothing.
 *
 * @param roomId the room
 * @param joinEventId the join, whose state before it is partial
 */
public record PartialStateStarted(RoomId roomId, EventId joinEventId) implements OutputRoomEvent {
    public PartialStateStarted {
        requireNonNull(roomId, "roomId is null");
        requireNonNull(joinEventId, "joinEventId is null");
    }
}
