package dev.lattice.syncapi.internal;

import static java.util.Objects.requireNonNull;

import dev.lattice.syncapi.storage.StateSpan;
import dev.lattice.syncapi.storage.SyncApiDatabase;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import reactor.core.publisher.Mono;

/**
 * One attempt at a {@code /sync} response, shared by every {@link SyncStreamProvider}: the request, the positions the
 * response covers, the response being built, and what several streams need and is read once (the user's memberships
 * at the response's room events position).
 */
public final class SyncContext {
    private final SyncRequest request;
    private final SyncToken positions;
    private final SyncResponse response = new SyncResponse();
    private final Mono<Map<String, StateSpan>> memberships;
    private final Mono<List<StateSpan>> membershipChanges;
    private final Mono<Map<String, StateSpan>> membershipsAtSince;
    /** Given the user's rooms joined at since or now: the member changes in between in them. */
    private final Mono<List<StateSpan>> memberChanges;
    /** Of the user's rooms joined at since or now, whether each has events in between; empty when unknown. */
    private final Mono<Map<String, Boolean>> hasEvents;
    /** The sections of the rooms the user stayed joined to that have events in between, read with the rooms. */
    private final Map<String, SyncApiDatabase.TimelineAndStateSince> sections;

    private final SyncApiDatabase database;

    /** An initial sync's: the user's memberships are read when a stream needs them. */
    SyncContext(SyncRequest request, SyncToken positions, SyncApiDatabase database) {
        this(request, positions, Optional.empty(), database);
        if (request.since().isPresent()) {
            throw new IllegalArgumentException("an incremental sync's context needs the user's rooms");
        }
    }

    /**
     * An incremental sync's.
     *
     * @param rooms the user's rooms between the request's {@code since} and {@code positions}, read with them
     *     ({@link SyncApiDatabase#storedPositionsAndUserRoomsSince})
     */
    SyncContext(SyncRequest request, SyncToken positions, SyncApiDatabase.UserRooms rooms, SyncApiDatabase database) {
        this(request, positions, Optional.of(rooms), database);
        if (request.since().isEmpty()) {
            throw new IllegalArgumentException("an initial sync has no rooms since");
        }
    }

    private SyncContext(
            SyncRequest request,
            SyncToken positions,
            Optional<SyncApiDatabase.UserRooms> rooms,
            SyncApiDatabase database) {
        this.request = requireNonNull(request, "request is null");
        this.positions = requireNonNull(positions, "positions is null");
        this.database = requireNonNull(database, "database is null");
        Optional<Long> since = request.since().map(SyncToken::events);
        if (rooms.isEmpty()) {
            this.memberships =
                    database.membershipsAt(user(), positions.events()).cache();
            this.membershipChanges = Mono.just(List.of());
            this.membershipsAtSince = Mono.just(Map.of());
            this.memberChanges = Mono.just(List.of());
            this.hasEvents = Mono.just(Map.of());
            this.sections = Map.of();
            return;
        }
        SyncApiDatabase.UserRooms read = rooms.get();
        this.memberships = Mono.just(read.at());
        this.membershipChanges = Mono.just(read.changedSince());
        this.membershipsAtSince = atSince(since.orElseThrow(), database);
        this.memberChanges = Mono.just(read.memberChanges());
        this.hasEvents = Mono.just(read.hasEvents());
        this.sections = read.sections();
    }

    /**
     * @param memberships the user's memberships at {@code positions}' room events position, when already read
     * @param database where the memberships at the request's {@code since} are read, if a stream needs them
     */
    SyncContext(
            SyncRequest request,
            SyncToken positions,
            Mono<Map<String, StateSpan>> memberships,
            SyncApiDatabase database) {
        this.request = requireNonNull(request, "request is null");
        this.positions = requireNonNull(positions, "positions is null");
        this.database = requireNonNull(database, "database is null");
        this.memberships = memberships.cache();
        Optional<Long> since = request.since().map(SyncToken::events);
        this.membershipChanges = since.map(from -> database.membershipsChangedBetween(user(), from, positions.events())
                        .cache())
                .orElse(Mono.just(List.of()));
        this.membershipsAtSince = since.map(from -> atSince(from, database)).orElse(Mono.just(Map.of()));
        this.memberChanges = since.map(from -> DeviceLists.memberChanges(
                                database, membershipsAtSince, this.memberships, from, positions.events())
                        .cache())
                .orElse(Mono.just(List.of()));
        this.hasEvents = Mono.just(Map.of());
        this.sections = Map.of();
    }

    /** Unless a membership changed in between, the memberships at since are those now: no second read. */
    private Mono<Map<String, StateSpan>> atSince(long since, SyncApiDatabase database) {
        return membershipChanges
                .flatMap(changes -> changes.isEmpty() ? memberships : database.membershipsAt(user(), since))
                .cache();
    }

    /** Where every stream is now: the response covers each up to here. */
    SyncToken positions() {
        return positions;
    }

    public SyncRequest request() {
        return request;
    }

    /** The user who syncs, as a string. */
    public String user() {
        return request.device().userId().toString();
    }

    public SyncResponse response() {
        return response;
    }

    /** Where {@code stream} is now: the response covers it up to here. */
    public long position(SyncStream stream) {
        return positions.position(stream);
    }

    /** Where the previous sync ended in {@code stream}; empty in an initial sync. */
    public Optional<Long> since(SyncStream stream) {
        return request.since().map(token -> token.position(stream));
    }

    /**
     * Whether this response gives the whole current picture rather than changes: an initial sync, or
     * {@code full_state} (for the streams where the spec gives it meaning).
     */
    public boolean snapshot() {
        return request.since().isEmpty() || request.fullState();
    }

    /**
     * Whether {@code stream} holds nothing for this response: it gives changes (not a {@link #snapshot}) and the
     * stream is still where the request's {@code since} left it, so its provider need read nothing.
     */
    public boolean unchanged(SyncStream stream) {
        return !snapshot() && since(stream).orElseThrow() >= position(stream);
    }

    /** The user's membership event per room at the response's room events position (read once per attempt). */
    public Mono<Map<String, StateSpan>> memberships() {
        return memberships;
    }

    /**
     * The user's membership event per room at the request's {@code since} room events position (read once per
     * attempt); empty in an initial sync.
     */
    public Mono<Map<String, StateSpan>> membershipsAtSince() {
        return membershipsAtSince;
    }

    /**
     * The user's membership spans that began or ended after the request's {@code since} room events position, up to
     * the response's (read once per attempt); empty in an initial sync.
     */
    public Mono<List<StateSpan>> membershipChanges() {
        return membershipChanges;
    }

    /**
     * The member spans that began after the request's {@code since} room events position, up to the response's, in
     * every room the user was joined to at either (read once per attempt); empty in an initial sync.
     */
    public Mono<List<StateSpan>> memberChanges() {
        return memberChanges;
    }

    /**
     * Which of these rooms have events after the request's {@code since} room events position, up to the response's:
     * known from the attempt's read of the user's rooms when it covers them all (rooms joined at either position),
     * else read.
     */
    public Mono<Set<String>> roomsWithEvents(Collection<String> roomIds) {
        long since = request.since().orElseThrow().events();
        return hasEvents.flatMap(known -> known.keySet().containsAll(roomIds)
                ? Mono.just(roomIds.stream().filter(known::get).collect(Collectors.toUnmodifiableSet()))
                : database.roomsWithEvents(roomIds, since, positions.events()));
    }

    /**
     * The room's section, when it was read with the user's rooms: its timeline after the request's {@code since} room
     * events position up to the response's, the state changed since, and the user's unread counts
     * ({@link SyncApiDatabase.UserRooms#sections}).
     */
    public Optional<SyncApiDatabase.TimelineAndStateSince> sectionRead(String roomId) {
        return Optional.ofNullable(sections.get(roomId));
    }

    /** The rooms the user is joined to at the response's room events position, as far as the filter includes them. */
    public Mono<Set<String>> joinedRooms() {
        return memberships.map(spans -> spans.values().stream()
                .filter(span -> span.membershipOrEmpty().equals("join"))
                .map(StateSpan::roomId)
                .filter(request.filter()::includesRoom)
                .collect(Collectors.toSet()));
    }
}
