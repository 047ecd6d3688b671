package dev.lattice.api.federationapi;

import dev.lattice.protocol.id.EventId;
import dev.lattice.protocol.id.RoomAliasId;
import dev.lattice.protocol.id.RoomId;
import dev.lattice.protocol.id.ServerName;
import dev.lattice.protocol.id.UserId;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.version.RoomVersionId;
import java.util.List;
import java.util.Optional;
import reactor.core.publisher.Mono;

/** What client-api asks of the federation-api for memberships that involve other servers. */
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

    /**
     * Leaves (or rejects an invite to) a room this server does not hold: {@code make_leave} and {@code send_leave}
     * through the first of {@code servers}, or the inviter's server, that answers.
     *
     * @return completes once the leave was sent and is the user's membership here; fails with a
     *     {@code MatrixException} {@code M_NOT_FOUND} (404) when no server could help
     */
    Mono<Void> leaveRemoteRoom(RoomId roomId, UserId userId, List<ServerName> servers);

    /**
     * Knocks a local user on a room held by other servers: {@code make_knock} and {@code send_knock} through the first
     * of {@code servers} that answers; the knock is then the user's membership here, with the room's stripped state
     * the resident server sent ({@code unsigned.knock_room_state}) for the user's client.
     *
     * @param content the knock's content (profile, reason); {@code membership} is set to {@code knock}
     * @return completes once the knock was accepted; fails with a {@code MatrixException}: {@code M_FORBIDDEN} (403)
     *     when the resident server refused, {@code M_NOT_FOUND} (404) when no server could be reached or knows the
     *     room, {@code M_INCOMPATIBLE_ROOM_VERSION} (400)
     */
    Mono<Void> knockRemoteRoom(RoomId roomId, UserId userId, List<ServerName> servers, JsonObject content);

    /**
     * Asks the server of the invited user to countersign an invite ({@code PUT /invite} v2, with the room's stripped
     * state so its client can show the room), before the invite goes into the room.
     *
     * @param invite the invite event as signed here, canonical JSON
     * @return the same event with the invitee's server's signature; fails with a {@code MatrixException}
     *     {@code M_FORBIDDEN} (403) when that server refused, {@code M_UNKNOWN} (502) when it could not be reached or
     *     answered something else
     */
    Mono<String> inviteRemoteUser(RoomId roomId, RoomVersionId roomVersion, String invite);

    /**
     * A room alias of another server, asked of that server ({@code GET /query/directory}).
     *
     * @return the room and the servers to join it through; fails with a {@code MatrixException} {@code M_NOT_FOUND}
     *     (404) when the server does not know the alias or cannot be reached
     */
    Mono<RemoteAlias> queryRemoteAlias(RoomAliasId alias);

    /**
     * Another server's room directory ({@code GET/POST /_matrix/federation/v1/publicRooms}), as it answered.
     *
     * @param searchTerm {@code filter.generic_search_term}, sent with a POST
     * @return fails with a {@code MatrixException} {@code M_UNKNOWN} (502) when the server could not be reached or
     *     answered an error
     */
    Mono<JsonObject> queryRemotePublicRooms(ServerName server, long limit, Optional<String> searchTerm);

    /** A room alias as its server answered it: the room, and servers in it. */
    record RemoteAlias(RoomId roomId, List<ServerName> servers) {
        public RemoteAlias {
            java.util.Objects.requireNonNull(roomId, "roomId is null");
            servers = List.copyOf(servers);
        }
    }
}
