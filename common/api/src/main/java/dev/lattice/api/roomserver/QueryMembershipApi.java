package dev.lattice.api.roomserver;

import dev.lattice.protocol.id.RoomId;
import dev.lattice.protocol.id.ServerName;
import dev.lattice.protocol.id.UserId;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import reactor.core.publisher.Mono;

/** Memberships in the rooms' current state. */
public interface QueryMembershipApi {

    /** The membership of {@code userId} in {@code roomId}; empty when the user never had one or the room is unknown. */
    Mono<Optional<RoomMembership>> queryMembership(RoomId roomId, UserId userId);

    /** The rooms {@code userId} is currently joined to, in no particular order. */
    Mono<List<RoomId>> queryJoinedRooms(UserId userId);

    /** The memberships of {@code userId} with {@code membership} ({@code invite}, {@code join}, ...), any room. */
    Mono<List<RoomMembership>> queryMembershipsOfUser(UserId userId, String membership);

    /**
     * The latest membership event of {@code userId} in {@code roomId} when this server does not hold the room (an
     * invite received over federation, or its rejection: {@link InputKind#OUTSIDE_MEMBERSHIP}); empty otherwise.
     * {@link #queryMembership} answers these memberships too.
     */
    Mono<Optional<StoredEvent>> queryOutsideMembership(RoomId roomId, UserId userId);

    /** The users joined to {@code roomId} in its current state (from the membership index, no events loaded). */
    Mono<List<UserId>> queryJoinedMembers(RoomId roomId);

    /**
     * The servers with at least one member joined to {@code roomId}, each once: where its events go. A server asks this
     * for every event it sends, so an implementation should not read the whole member list to answer.
     */
    default Mono<Set<ServerName>> queryJoinedServers(RoomId roomId) {
        return queryJoinedMembers(roomId).map(members -> {
            Set<ServerName> servers = new LinkedHashSet<>();
            members.forEach(member -> servers.add(member.serverName()));
            return servers;
        });
    }
}
