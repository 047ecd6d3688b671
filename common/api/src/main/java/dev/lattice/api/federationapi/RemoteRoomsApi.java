package dev.lattice.api.federationapi;

import dev.lattice.protocol.id.EventId;
import dev.lattice.protocol.id.RoomId;
import dev.lattice.protocol.id.ServerName;
import dev.lattice.protocol.id.UserId;
import dev.lattice.protocol.json.JsonObject;
import java.util.List;
import reactor.core.publisher.Mono;

/** What client-api asks of the federation-api for rooms this server does not hold. */
public interface RemoteRoomsApi {

    /**
     * Joins a local user to a room held by other servers: {@code make_join} and {@code send_join} through the first of
     * {@code servers} that answers, then the room's state and the join go into the roomserver.
     *
     * @param content the join's content (profile, reason); {@code membership} is set to {@code join}
     * @return the join event's ID once the roomserver accepted it; fails with a {@code MatrixException}:
     *     {@code M_FORBIDDEN} (403) when the resident server refused, {@code M_NOT_FOUND} (404) when no server could
     *     be reached or none knows the room, {@code M_UNSUPPORTED_ROOM_VERSION} (400)
     */
    Mono<EventId> joinRemoteRoom(RoomId roomId, UserId userId, List<ServerName> servers, JsonObject content);
}
