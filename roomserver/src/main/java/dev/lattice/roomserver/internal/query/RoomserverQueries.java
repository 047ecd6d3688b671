package dev.lattice.roomserver.internal.query;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import dev.lattice.api.roomserver.LatestEvents;
import dev.lattice.api.roomserver.PartialStateRoom;
import dev.lattice.api.roomserver.RoomMembership;
import dev.lattice.api.roomserver.RoomserverQueryApi;
import dev.lattice.api.roomserver.SendTransaction;
import dev.lattice.api.roomserver.StoredEvent;
import dev.lattice.api.roomserver.VisibleEvent;
import dev.lattice.protocol.auth.AuthEventTypes;
import dev.lattice.protocol.auth.StateKey;
import dev.lattice.protocol.auth.StateLookup;
import dev.lattice.protocol.event.HistoryVisibility;
import dev.lattice.protocol.event.Pdu;
import dev.lattice.protocol.id.EventId;
import dev.lattice.protocol.id.InvalidIdException;
import dev.lattice.protocol.id.RoomId;
import dev.lattice.protocol.id.ServerName;
import dev.lattice.protocol.id.UserId;
import dev.lattice.protocol.version.RoomVersionId;
import dev.lattice.protocol.version.RoomVersionRules;
import dev.lattice.protocol.version.RoomVersions;
import dev.lattice.roomserver.internal.RoomEvents;
import dev.lattice.roomserver.storage.CurrentStateRow;
import dev.lattice.roomserver.storage.EventRow;
import dev.lattice.roomserver.storage.EventStatus;
import dev.lattice.roomserver.storage.RoomRow;
import dev.lattice.roomserver.storage.RoomserverDatabase;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The roomserver's reads. */
public final class RoomserverQueries implements RoomserverQueryApi {
    /** The greatest depth the spec allows (2^53 − 1, components/depth_v6.yaml): new events clamp to it. */
    static final long MAX_DEPTH = (1L << 53) - 1;

    private final RoomserverDatabase database;
    private final RoomEvents events;
    private final Map<String, RoomVersionId> roomVersions = new ConcurrentHashMap<>(); // immutable per room

    public RoomserverQueries(RoomserverDatabase database, RoomEvents events) {
        this.database = requireNonNull(database, "database is null");
        this.events = requireNonNull(events, "events is null");
    }

    private Mono<Optional<RoomVersionId>> version(String roomId) {
        RoomVersionId known = roomVersions.get(roomId);
        if (known != null) {
            return Mono.just(Optional.of(known));
        }
        return database.room(roomId)
                .map(room -> room.map(RoomRow::roomVersion))
                .doOnNext(v -> v.ifPresent(version -> roomVersions.put(roomId, version)));
    }

    private Mono<StoredEvent> stored(EventRow row) {
        return version(row.roomId()).map(v -> toStored(row, v.orElseThrow()));
    }

    private static StoredEvent toStored(EventRow row, RoomVersionId version) {
        return new StoredEvent(
                RoomId.parse(row.roomId()),
                version,
                new EventId(row.eventId()),
                row.type(),
                row.stateKey(),
                new String(row.readablePdu(), UTF_8),
                row.redactedBy() != null ? new EventId(row.redactedBy()) : null);
    }

    /** The events {@code ids} as {@link StoredEvent}s, in the order of {@code ids}; unknown ones left out. */
    private Mono<List<StoredEvent>> storedEvents(String roomId, Collection<String> ids) {
        return Mono.zip(version(roomId), database.events(ids))
                .map(t -> ids.stream()
                        .map(t.getT2()::get)
                        .filter(java.util.Objects::nonNull)
                        .map(row -> toStored(row, t.getT1().orElseThrow()))
                        .toList());
    }

    @Override
    public Mono<Optional<RoomVersionId>> queryRoomVersion(RoomId roomId) {
        return version(roomId.value());
    }

    @Override
    public Mono<Optional<LatestEvents>> queryLatestEvents(RoomId roomId, Set<StateKey> authStateKeys) {
        String room = roomId.value();
        return version(room).flatMap(version -> {
            if (version.isEmpty()) {
                return Mono.just(Optional.<LatestEvents>empty());
            }
            return database.latest(room, authStateKeys).map(latest -> {
                List<RoomserverDatabase.Extremity> newest = latest.extremities().stream()
                        .limit(LatestEvents.MAX_PREV_EVENTS)
                        .toList();
                long depth = Math.min(
                        MAX_DEPTH,
                        newest.stream()
                                        .mapToLong(RoomserverDatabase.Extremity::depth)
                                        .max()
                                        .orElse(0)
                                + 1);
                List<EventId> authEvents = authStateKeys.stream()
                        .map(latest.state()::get)
                        .filter(java.util.Objects::nonNull)
                        .map(EventId::new)
                        .toList();
                return Optional.of(new LatestEvents(
                        version.get(),
                        newest.stream().map(row -> new EventId(row.eventId())).toList(),
                        depth,
                        authEvents));
            });
        });
    }

    @Override
    public Mono<List<StoredEvent>> queryCurrentState(RoomId roomId) {
        return database.currentStateRows(roomId.value())
                .flatMap(rows -> storedEvents(
                        roomId.value(),
                        rows.stream().map(CurrentStateRow::eventId).toList()));
    }

    @Override
    public Mono<Optional<StoredEvent>> queryCurrentStateEvent(RoomId roomId, String type, String stateKey) {
        return database.currentStateEntry(roomId.value(), StateKey.of(type, stateKey))
                .flatMap(row -> row.isEmpty()
                        ? Mono.just(Optional.<StoredEvent>empty())
                        : storedEvents(roomId.value(), List.of(row.get().eventId()))
                                .map(found -> found.stream().findFirst()));
    }

    @Override
    public Mono<Optional<List<StoredEvent>>> queryStateAtEvent(EventId eventId) {
        return database.event(eventId.value()).flatMap(row -> {
            if (row.isEmpty() || row.get().stateAfterNid() == null) {
                return Mono.just(Optional.<List<StoredEvent>>empty());
            }
            return database.snapshot(row.get().stateAfterNid())
                    .flatMap(snapshot ->
                            storedEvents(row.get().roomId(), snapshot.state().values()))
                    .map(Optional::of);
        });
    }

    @Override
    public Mono<Optional<List<StoredEvent>>> queryStateBeforeEvent(EventId eventId) {
        return database.event(eventId.value()).flatMap(row -> {
            if (row.isEmpty() || row.get().stateBeforeNid() == null) {
                return Mono.just(Optional.<List<StoredEvent>>empty());
            }
            return database.snapshot(row.get().stateBeforeNid())
                    .flatMap(snapshot ->
                            storedEvents(row.get().roomId(), snapshot.state().values()))
                    .map(Optional::of);
        });
    }

    @Override
    public Mono<List<StoredEvent>> queryAuthChain(RoomId roomId, Collection<EventId> eventIds) {
        List<String> ids = eventIds.stream().map(EventId::value).toList();
        return database.events(ids).flatMap(given -> {
            Set<String> authIds = new LinkedHashSet<>();
            given.values().forEach(row -> authIds.addAll(row.authEventIds()));
            return database.eventsWithAuthChains(authIds)
                    .flatMap(chain -> storedEvents(
                            roomId.value(),
                            chain.values().stream()
                                    .filter(row ->
                                            row.roomId().equals(roomId.value()) && row.status() == EventStatus.ACCEPTED)
                                    .sorted(Comparator.comparingLong(EventRow::depth))
                                    .map(EventRow::eventId)
                                    .toList()));
        });
    }

    @Override
    public Mono<Optional<RoomMembership>> queryMembership(RoomId roomId, UserId userId) {
        return database.currentStateEntry(roomId.value(), StateKey.of(AuthEventTypes.MEMBER, userId.value()))
                .flatMap(row -> row.isPresent()
                        ? Mono.just(row.map(
                                r -> new RoomMembership(roomId, userId, r.membership(), new EventId(r.eventId()))))
                        : database.outsideMembership(roomId.value(), userId.value())
                                .map(outside -> outside.map(o ->
                                        new RoomMembership(roomId, userId, o.membership(), new EventId(o.eventId())))));
    }

    @Override
    public Mono<List<UserId>> queryJoinedMembers(RoomId roomId) {
        return database.currentStateRows(roomId.value())
                .map(rows -> rows.stream()
                        .filter(row -> row.key().type().equals(AuthEventTypes.MEMBER)
                                && AuthEventTypes.JOIN.equals(row.membership()))
                        .map(row -> UserId.parse(row.key().stateKey()))
                        .toList());
    }

    @Override
    public Mono<List<PartialStateRoom>> queryPartialStateRooms() {
        return database.partialStateRooms();
    }

    @Override
    public Mono<Set<ServerName>> queryJoinedServers(RoomId roomId) {
        // While the room's state is partial its member list is not known here: the servers the resident server
        // listed in its send_join answer are in the room too.
        Mono<List<String>> partialStateServers = database.room(roomId.value())
                .map(room -> room.map(RoomRow::partialStateServers).orElse(List.of()));
        return Mono.zip(database.joinedServers(roomId.value()), partialStateServers, (joined, listed) -> {
            List<String> names = new ArrayList<>(joined);
            names.addAll(listed);
            Set<ServerName> servers = new LinkedHashSet<>();
            for (String name : names) {
                try {
                    servers.add(ServerName.parse(name));
                } catch (InvalidIdException e) {
                    // a member of a room version that did not check its user ID; there is nowhere to send to
                }
            }
            return servers;
        });
    }

    @Override
    public Mono<Optional<StoredEvent>> queryOutsideMembership(RoomId roomId, UserId userId) {
        return database.outsideMembership(roomId.value(), userId.value())
                .map(found -> found.map(o -> new StoredEvent(
                        roomId,
                        o.roomVersion(),
                        new EventId(o.eventId()),
                        "m.room.member",
                        userId.value(),
                        new String(o.pdu(), UTF_8),
                        null)));
    }

    @Override
    public Mono<List<RoomId>> queryJoinedRooms(UserId userId) {
        return database.memberships(userId.value(), AuthEventTypes.JOIN)
                .map(rows -> rows.stream().map(r -> RoomId.parse(r.roomId())).toList());
    }

    @Override
    public Mono<List<RoomMembership>> queryMembershipsOfUser(UserId userId, String membership) {
        return database.memberships(userId.value(), membership)
                .map(rows -> rows.stream()
                        .map(r -> new RoomMembership(
                                RoomId.parse(r.roomId()), userId, r.membership(), new EventId(r.eventId())))
                        .toList());
    }

    @Override
    public Mono<Optional<StoredEvent>> queryEvent(EventId eventId) {
        return database.event(eventId.value())
                .flatMap(row -> row.isEmpty() || row.get().status() == EventStatus.REJECTED
                        ? Mono.just(Optional.<StoredEvent>empty())
                        : stored(row.get()).map(Optional::of));
    }

    @Override
    public Mono<Map<EventId, StoredEvent>> queryEvents(Collection<EventId> eventIds) {
        if (eventIds.isEmpty()) {
            return Mono.just(Map.of());
        }
        return database.events(eventIds.stream().map(EventId::value).collect(Collectors.toSet()))
                .flatMapMany(rows -> Flux.fromIterable(rows.values()))
                .filter(row -> row.status() != EventStatus.REJECTED)
                // the room's version is cached after its first event, so this reads each room once
                .concatMap(this::stored)
                .collectMap(StoredEvent::eventId, event -> event);
    }

    @Override
    public Mono<Optional<StoredEvent>> queryEventAtTimestamp(RoomId roomId, long ts, boolean forwards) {
        return database.eventAtTimestamp(roomId.value(), ts, forwards)
                .flatMap(row -> row.isEmpty()
                        ? Mono.just(Optional.<StoredEvent>empty())
                        : stored(row.get()).map(Optional::of));
    }

    @Override
    public Mono<Optional<VisibleEvent>> queryEventForUser(EventId eventId, UserId viewer) {
        return database.event(eventId.value()).flatMap(found -> {
            if (found.isEmpty() || found.get().status() == EventStatus.REJECTED) {
                return Mono.just(Optional.<VisibleEvent>empty());
            }
            EventRow row = found.get();
            return stored(row)
                    .flatMap(event -> visible(row, event.roomVersion(), viewer.value())
                            .map(visible -> Optional.of(new VisibleEvent(event, visible))));
        });
    }

    /** Loads what {@link HistoryVisibility} needs at {@code row}: the states around it, and later joins. */
    private Mono<Boolean> visible(EventRow row, RoomVersionId version, String userId) {
        if (row.stateBeforeNid() == null) {
            return Mono.just(false); // an outlier: no state to judge by
        }
        RoomVersionRules rules = RoomVersions.rules(version).orElseThrow();
        Set<StateKey> keys =
                Set.of(StateKey.of(HistoryVisibility.TYPE, ""), StateKey.of(AuthEventTypes.MEMBER, userId));
        Mono<StateLookup> before =
                database.snapshot(row.stateBeforeNid()).flatMap(s -> events.lookup(rules, s.state(), keys));
        Mono<StateLookup> after =
                database.snapshot(row.stateAfterNid()).flatMap(s -> events.lookup(rules, s.state(), keys));
        return Mono.zip(before, after, database.joinedSince(row.roomId(), userId, row.nid()))
                .map(t -> {
                    Pdu event = events.parse(rules, row);
                    return HistoryVisibility.visible(
                            userId,
                            event.type(),
                            event.stateKey(),
                            side(t.getT1(), userId),
                            side(t.getT2(), userId),
                            t.getT3());
                });
    }

    /** The visibility and the user's membership in one state. */
    private static HistoryVisibility.Side side(StateLookup state, String userId) {
        return new HistoryVisibility.Side(
                state.get(HistoryVisibility.TYPE, "")
                        .flatMap(e -> e.content().getString("history_visibility"))
                        .orElse(null),
                state.get(AuthEventTypes.MEMBER, userId)
                        .flatMap(e -> e.content().getString("membership"))
                        .orElse(null));
    }

    @Override
    public Mono<Optional<EventId>> querySentTransaction(SendTransaction transaction) {
        requireNonNull(transaction.roomId(), "a transaction is looked up with its scope");
        return database.transactionEvent(transaction, transaction.roomId().value())
                .map(id -> id.map(EventId::new));
    }
}
