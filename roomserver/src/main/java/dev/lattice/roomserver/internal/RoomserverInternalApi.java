package dev.lattice.roomserver.internal;

import static java.util.Objects.requireNonNull;

import dev.lattice.api.roomserver.ClientRoomserverApi;
import dev.lattice.api.roomserver.InputRoomEvent;
import dev.lattice.api.roomserver.InputVerdict;
import dev.lattice.api.roomserver.LatestEvents;
import dev.lattice.api.roomserver.PartialStateCompletion;
import dev.lattice.api.roomserver.PartialStateRoom;
import dev.lattice.api.roomserver.RoomMembership;
import dev.lattice.api.roomserver.RoomserverInputApi;
import dev.lattice.api.roomserver.RoomserverQueryApi;
import dev.lattice.api.roomserver.SendTransaction;
import dev.lattice.api.roomserver.StoredEvent;
import dev.lattice.api.roomserver.VisibleEvent;
import dev.lattice.protocol.auth.StateKey;
import dev.lattice.protocol.id.EventId;
import dev.lattice.protocol.id.RoomId;
import dev.lattice.protocol.id.ServerName;
import dev.lattice.protocol.id.UserId;
import dev.lattice.protocol.version.RoomVersionId;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import reactor.core.publisher.Mono;

/**
 * The roomserver's facade: every {@code common/api} roomserver interface, backed by the input family (publish and
 * wait for the verdict) and the query family. In the all-in-one process client-api and syncapi get this bean
 * directly; split deployments will put the same interfaces over internal HTTP.
 */
public final class RoomserverInternalApi implements ClientRoomserverApi {
    private final RoomserverInputApi input;
    private final RoomserverQueryApi queries;

    public RoomserverInternalApi(RoomserverInputApi input, RoomserverQueryApi queries) {
        this.input = requireNonNull(input, "input is null");
        this.queries = requireNonNull(queries, "queries is null");
    }

    @Override
    public Mono<InputVerdict> inputRoomEvent(InputRoomEvent event) {
        return input.inputRoomEvent(event);
    }

    @Override
    public Mono<Mono<InputVerdict>> submitRoomEvent(InputRoomEvent event) {
        return input.submitRoomEvent(event);
    }

    @Override
    public Mono<Set<EventId>> inputOutliers(
            RoomId roomId, RoomVersionId roomVersion, List<String> pdus, ServerName origin) {
        return input.inputOutliers(roomId, roomVersion, pdus, origin);
    }

    @Override
    public Mono<InputVerdict> completePartialState(PartialStateCompletion completion) {
        return input.completePartialState(completion);
    }

    @Override
    public Mono<Optional<RoomVersionId>> queryRoomVersion(RoomId roomId) {
        return queries.queryRoomVersion(roomId);
    }

    @Override
    public Mono<List<PartialStateRoom>> queryPartialStateRooms() {
        return queries.queryPartialStateRooms();
    }

    @Override
    public Mono<Optional<LatestEvents>> queryLatestEvents(RoomId roomId, Set<StateKey> authStateKeys) {
        return queries.queryLatestEvents(roomId, authStateKeys);
    }

    @Override
    public Mono<List<StoredEvent>> queryCurrentState(RoomId roomId) {
        return queries.queryCurrentState(roomId);
    }

    @Override
    public Mono<Optional<StoredEvent>> queryCurrentStateEvent(RoomId roomId, String type, String stateKey) {
        return queries.queryCurrentStateEvent(roomId, type, stateKey);
    }

    @Override
    public Mono<Optional<List<StoredEvent>>> queryStateAtEvent(EventId eventId) {
        return queries.queryStateAtEvent(eventId);
    }

    @Override
    public Mono<Optional<RoomMembership>> queryMembership(RoomId roomId, UserId userId) {
        return queries.queryMembership(roomId, userId);
    }

    @Override
    public Mono<List<RoomId>> queryJoinedRooms(UserId userId) {
        return queries.queryJoinedRooms(userId);
    }

    @Override
    public Mono<List<RoomMembership>> queryMembershipsOfUser(UserId userId, String membership) {
        return queries.queryMembershipsOfUser(userId, membership);
    }

    @Override
    public Mono<Optional<List<StoredEvent>>> queryStateBeforeEvent(EventId eventId) {
        return queries.queryStateBeforeEvent(eventId);
    }

    @Override
    public Mono<List<StoredEvent>> queryAuthChain(RoomId roomId, Collection<EventId> eventIds) {
        return queries.queryAuthChain(roomId, eventIds);
    }

    @Override
    public Mono<List<UserId>> queryJoinedMembers(RoomId roomId) {
        return queries.queryJoinedMembers(roomId);
    }

    @Override
    public Mono<Set<ServerName>> queryJoinedServers(RoomId roomId) {
        return queries.queryJoinedServers(roomId);
    }

    @Override
    public Mono<Optional<StoredEvent>> queryOutsideMembership(RoomId roomId, UserId userId) {
        return queries.queryOutsideMembership(roomId, userId);
    }

    @Override
    public Mono<Optional<StoredEvent>> queryEvent(EventId eventId) {
        return queries.queryEvent(eventId);
    }

    @Override
    public Mono<Map<EventId, StoredEvent>> queryEvents(Collection<EventId> eventIds) {
        return queries.queryEvents(eventIds);
    }

    @Override
    public Mono<Optional<VisibleEvent>> queryEventForUser(EventId eventId, UserId viewer) {
        return queries.queryEventForUser(eventId, viewer);
    }

    @Override
    public Mono<Optional<StoredEvent>> queryEventAtTimestamp(RoomId roomId, long ts, boolean forwards) {
        return queries.queryEventAtTimestamp(roomId, ts, forwards);
    }

    @Override
    public Mono<Optional<EventId>> querySentTransaction(SendTransaction transaction) {
        return queries.querySentTransaction(transaction);
    }
}
