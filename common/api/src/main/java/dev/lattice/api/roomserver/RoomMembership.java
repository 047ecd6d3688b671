package dev.lattice.api.roomserver;

import static java.util.Objects.requireNonNull;

import dev.lattice.protocol.id.EventId;
import dev.lattice.protocol.id.RoomId;
import dev.lattice.protocol.id.UserId;

/**
 * A user's membership of a room in its current state.
 *
 * @param roomId the room
 * @param userId the user
 * @param membership {@code join}, {@code invite}, {@code leave}, {@code ban} or {@code knock}, as the event says
 * @param eventId the {@code m.room.member} event that set it
 */
public record RoomMembership(RoomId roomId, UserId userId, String membership, EventId eventId) {
    public RoomMembership {
        requireNonNull(roomId, "roomId is null");
        requireNonNull(userId, "userId is null");
        requireNonNull(membership, "membership is null");
        requireNonNull(eventId, "eventId is null");
    }
}
