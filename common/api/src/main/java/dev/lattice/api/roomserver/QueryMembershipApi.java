package dev.lattice.api.roomserver;

import dev.lattice.protocol.id.RoomId;
import dev.lattice.protocol.id.UserId;
import java.util.List;
import java.util.Optional;
import reactor.core.publisher.Mono;

/** Memberships in the rooms' current state. */
public interface QueryMembershipApi {

    /** The membership of {@code userId} in {@code roomId}; empty when the user never had one or the room is unknown. */
    Mono<Optional<RoomMembership>> queryMembership(RoomId roomId, UserId userId);

    /** The rooms {@code userId} is currently joined to, in no particular order. */
    Mono<List<RoomId>> queryJoinedRooms(UserId userId);

    /** The memberships of {@code userId} with {@code membership} ({@code invite}, {@code join}, ...), any room. */
    Mono<List<RoomMembership>> queryMembershipsOfUser(UserId userId, String membership);
}
