package dev.lattice.roomserver.storage;

import static java.util.Objects.requireNonNull;

import dev.lattice.protocol.version.RoomVersionId;

/** One row of {@code roomserver.rooms}. */
public record RoomRow(String roomId, RoomVersionId roomVersion, String createEventId, long createdTs) {
    public RoomRow {
        requireNonNull(roomId, "roomId is null");
        requireNonNull(roomVersion, "roomVersion is null");
        requireNonNull(createEventId, "createEventId is null");
    }
}
