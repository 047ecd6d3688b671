package dev.lattice.roomserver.storage;

import static java.util.Objects.requireNonNull;

import dev.lattice.protocol.version.RoomVersionId;
import java.util.List;

/**
 * One row of {@code roomserver.rooms}.
 *
 * @param partialStateServers while this server's join started from a partial state: the servers in the room as the
 *     resident server listed them; null once the state is complete, and for every other room
 * @param partialStateJoinEventId that join, while the state is partial; null otherwise
 */
public record RoomRow(
        String roomId,
        RoomVersionId roomVersion,
        String createEventId,
        long createdTs,
        List<String> partialStateServers,
        String partialStateJoinEventId) {
    public RoomRow {
        requireNonNull(roomId, "roomId is null");
        requireNonNull(roomVersion, "roomVersion is null");
        requireNonNull(createEventId, "createEventId is null");
        partialStateServers = partialStateServers == null ? null : List.copyOf(partialStateServers);
    }

    /** A room whose state is complete. */
    public RoomRow(String roomId, RoomVersionId roomVersion, String createEventId, long createdTs) {
        this(roomId, roomVersion, createEventId, createdTs, null, null);
    }

    /** Whether this server's join started from a partial state that is not complete yet. */
    public boolean partialState() {
        return partialStateServers != null;
    }
}
