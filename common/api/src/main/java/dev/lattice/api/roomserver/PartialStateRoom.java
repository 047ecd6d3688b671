package dev.lattice.api.roomserver;

import static java.util.Objects.requireNonNull;

import dev.lattice.protocol.id.EventId;
import dev.lattice.protocol.id.RoomId;
import dev.lattice.protocol.id.ServerName;
import dev.lattice.protocol.version.RoomVersionId;
import java.util.List;

/**
 * A room this server joined with partial state ({@link InputRoomEvent#joinWithPartialState}) whose state is not
 * complete yet: what the federation-api needs to fetch the whole state before the join.
 *
 * @param joinEventId the join the partial state is before
 * @param servers the servers in the room as the resident server listed them
 */
public record PartialStateRoom(
        RoomId roomId, RoomVersionId roomVersion, EventId joinEventId, List<ServerName> servers) {
    public PartialStateRoom {
        requireNonNull(roomId, "roomId is null");
        requireNonNull(roomVersion, "roomVersion is null");
        requireNonNull(joinEventId, "joinEventId is null");
        servers = List.copyOf(servers);
    }
}
