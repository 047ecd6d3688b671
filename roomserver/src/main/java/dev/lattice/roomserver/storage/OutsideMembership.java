package dev.lattice.roomserver.storage;

import static java.util.Objects.requireNonNull;

import dev.lattice.protocol.version.RoomVersionId;

/**
 * A row of {@code roomserver.outside_memberships}: our user's latest membership event in a room this server does not
 * hold.
 */
public record OutsideMembership(
        String roomId,
        String userId,
        String eventId,
        String membership,
        RoomVersionId roomVersion,
        byte[] pdu,
        long receivedTs) {
    public OutsideMembership {
        requireNonNull(roomId, "roomId is null");
        requireNonNull(userId, "userId is null");
        requireNonNull(eventId, "eventId is null");
        requireNonNull(membership, "membership is null");
        requireNonNull(roomVersion, "roomVersion is null");
        requireNonNull(pdu, "pdu is null");
    }
}
