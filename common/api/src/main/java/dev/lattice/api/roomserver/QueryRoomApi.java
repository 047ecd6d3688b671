package dev.lattice.api.roomserver;

import dev.lattice.protocol.auth.StateKey;
import dev.lattice.protocol.id.RoomId;
import dev.lattice.protocol.version.RoomVersionId;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import reactor.core.publisher.Mono;

/** Rooms as a whole: their version, and what a new event in them is built from. */
public interface QueryRoomApi {

    /** The version of {@code roomId}; empty when this server does not know the room. */
    Mono<Optional<RoomVersionId>> queryRoomVersion(RoomId roomId);

    /** The rooms this server joined with partial state that are not complete yet (none for most servers). */
    Mono<List<PartialStateRoom>> queryPartialStateRooms();

    /**
     * The forward extremities, depth and auth state to build the next event of {@code roomId} with.
     *
     * <pre>{@code
     * Set<StateKey> keys = AuthEventsSelection.forEvent(rules.authorization(), type, stateKey, sender, content);
     * LatestEvents latest = roomserver.queryLatestEvents(roomId, keys).block().orElseThrow();
     * builder.prevEvents(latest.prevEvents()).depth(latest.depth())
     *        .authEvents(latest.authEvents());
     * }</pre>
     *
     * @param authStateKeys the (type, state key) pairs of the current state to return, usually the auth events
     *     selection of the event being built
     * @return empty when this server does not know the room
     */
    Mono<Optional<LatestEvents>> queryLatestEvents(RoomId roomId, Set<StateKey> authStateKeys);
}
