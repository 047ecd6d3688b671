package dev.lattice.syncapi.internal;

import static java.util.Objects.requireNonNull;

import dev.lattice.api.clientapi.AuthenticatedDevice;
import dev.lattice.protocol.event.HistoryVisibility;
import dev.lattice.protocol.json.CanonicalJsonValue;
import dev.lattice.protocol.json.JsonArray;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.json.JsonObjectBuilder;
import dev.lattice.protocol.spec.ErrorCode;
import dev.lattice.protocol.spec.MatrixException;
import dev.lattice.syncapi.storage.StateSpan;
import dev.lattice.syncapi.storage.StoredEvent;
import dev.lattice.syncapi.storage.SyncApiDatabase;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import reactor.core.publisher.Mono;

/**
 * {@code GET /_matrix/client/v3/rooms/{roomId}/messages}: pages of a room's timeline in stream order, backwards
 * ({@code dir=b}) or forwards ({@code dir=f}) from a {@link StreamToken}, holding only the events the history
 * visibility rules let the user see. A backwards page that reaches the oldest event held here first asks other servers
 * for what came before ({@link RemoteHistory}).
 *
 * <p>A token {@code s<p>} is the point just after the event at position {@code p}: backwards from it come the events
 * at {@code p} and below, forwards the events above {@code p}. {@code end} is the point after the last event read
 * (visible or not), and is left out once the range holds no more events. Backfilled events have negative positions
 * ordered by depth, so paging backwards reaches them after the live ones, oldest last.
 *
 * <p>Only a user who is or was joined or invited may page a room, unless it is {@code world_readable} now
 * ({@code 403 M_FORBIDDEN} otherwise). With a filter that sets {@code lazy_load_members}, {@code state} holds the
 * member events of the chunk's senders.
 */
public final class RoomMessages {
    /** The page size when the client gives none. */
    public static final int DEFAULT_LIMIT = 10;
    /** The largest page served, whatever the client asks for. */
    public static final int MAX_LIMIT = 1000;

    /** Paging direction. */
    public enum Direction {
        BACKWARDS,
        FORWARDS
    }

    /**
     * One request.
     *
     * @param from where to start; empty for the newest ({@code b}) or oldest ({@code f}) end
     * @param to where to stop; empty for no bound
     */
    public record Request(
            AuthenticatedDevice device,
            String roomId,
            Optional<StreamToken> from,
            Optional<StreamToken> to,
            Direction direction,
            int limit,
            EventFilter filter) {

        public Request {
            requireNonNull(device, "device is null");
            requireNonNull(roomId, "roomId is null");
            requireNonNull(from, "from is null");
            requireNonNull(to, "to is null");
            requireNonNull(direction, "direction is null");
            requireNonNull(filter, "filter is null");
        }
    }

    private final SyncApiDatabase database;
    private final MembershipHistory memberships;
    private final BundledAggregations aggregations;
    private final RemoteHistory history;
    private final Clock clock;

    public RoomMessages(
            SyncApiDatabase database,
            MembershipHistory memberships,
            BundledAggregations aggregations,
            RemoteHistory history,
            Clock clock) {
        this.database = requireNonNull(database, "database is null");
        this.memberships = requireNonNull(memberships, "memberships is null");
        this.aggregations = requireNonNull(aggregations, "aggregations is null");
        this.history = requireNonNull(history, "history is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** The response body. */
    public Mono<JsonObject> messages(Request request) {
        String user = request.device().userId().toString();
        return Mono.zip(memberships.of(request.roomId(), user), database.currentPosition())
                .flatMap(loaded -> {
                    List<StateSpan> memberships = loaded.getT1();
                    long position = loaded.getT2();
                    return checkAccess(request.roomId(), memberships, position)
                            .then(page(request, memberships, position));
                });
    }

    /**
     * {@code GET /_matrix/client/v3/rooms/{roomId}/event/{eventId}}: one event in the client format, if it is in the
     * room and the history visibility rules let the user see it; {@code 404 M_NOT_FOUND} otherwise, whether it does not
     * exist or is hidden, so the answer does not tell the two apart (what the client-api did before; Synapse answers
     * 404 for a hidden event too). Served here, as Dendrite does, because the read model holds what the format needs:
     * the sending device's transaction ID, the redaction that took effect, and the user's membership history.
     */
    public Mono<JsonObject> event(AuthenticatedDevice device, String roomId, String eventId) {
        String user = device.userId().toString();
        MatrixException notFound = new MatrixException(ErrorCode.NOT_FOUND, "Event not found");
        return database.event(eventId)
                .flatMap(found -> found.filter(event -> event.roomId().equals(roomId))
                        .map(event -> memberships.of(roomId, user).flatMap(memberships -> {
                            if (!EventVisibility.canSee(event, user, memberships)) {
                                return Mono.error(notFound);
                            }
                            long now = clock.millis();
                            return aggregations
                                    .of(
                                            List.of(event),
                                            device,
                                            child -> EventVisibility.canSee(child, user, memberships),
                                            now)
                                    .map(bundled -> event.toClient(
                                            device, now, true, Optional.ofNullable(bundled.get(eventId))));
                        }))
                        .orElseGet(() -> Mono.error(notFound)));
    }

    /**
     * The user's membership history in the room, when the user may read it: a member now or before, or anyone in a
     * world-readable room ({@code 403 M_FORBIDDEN} otherwise).
     */
    public Mono<List<StateSpan>> requireAccess(String roomId, String user) {
        return Mono.zip(memberships.of(roomId, user), database.currentPosition())
                .flatMap(loaded ->
                        checkAccess(roomId, loaded.getT1(), loaded.getT2()).thenReturn(loaded.getT1()));
    }

    /**
     * {@code GET /rooms/{roomId}/context/{eventId}}: the event ({@code 404 M_NOT_FOUND} unless the user may see it),
     * up to {@code limit / 2} visible events before it and the rest after it (Synapse's split), each side through
     * {@code filter}; {@code start}/{@code end} tokens to page on with {@code /messages}; and {@code state}: the
     * room's state at the last event read, only the member events of the returned events' senders with
     * {@code lazy_load_members}.
     */
    public Mono<JsonObject> context(
            AuthenticatedDevice device, String roomId, String eventId, int limit, EventFilter filter) {
        String user = device.userId().toString();
        MatrixException notFound = new MatrixException(ErrorCode.NOT_FOUND, "Event not found");
        return Mono.zip(database.event(eventId), memberships.of(roomId, user), database.currentPosition())
                .flatMap(loaded -> {
                    List<StateSpan> spans = loaded.getT2();
                    Optional<StoredEvent> found = loaded.getT1()
                            .filter(event -> event.roomId().equals(roomId))
                            .filter(event -> EventVisibility.canSee(event, user, spans));
                    if (found.isEmpty()) {
                        return Mono.error(notFound);
                    }
                    StoredEvent event = found.get();
                    int beforeLimit = limit / 2;
                    int afterLimit = limit - beforeLimit;
                    Mono<List<StoredEvent>> before = beforeLimit == 0
                            ? Mono.just(List.of())
                            : database.roomEvents(roomId, Long.MIN_VALUE, event.position() - 1, beforeLimit, true);
                    Mono<List<StoredEvent>> after = afterLimit == 0
                            ? Mono.just(List.of())
                            : database.roomEvents(roomId, event.position(), loaded.getT3(), afterLimit, false);
                    return Mono.zip(before, after)
                            .flatMap(sides -> context(device, event, sides.getT1(), sides.getT2(), spans, filter));
                });
    }

    private Mono<JsonObject> context(
            AuthenticatedDevice device,
            StoredEvent event,
            List<StoredEvent> before,
            List<StoredEvent> after,
            List<StateSpan> spans,
            EventFilter filter) {
        String user = device.userId().toString();
        List<StoredEvent> shownBefore = before.stream()
                .filter(e -> EventVisibility.canSee(e, user, spans) && filter.matches(e))
                .toList();
        List<StoredEvent> shownAfter = after.stream()
                .filter(e -> EventVisibility.canSee(e, user, spans) && filter.matches(e))
                .toList();
        List<StoredEvent> all = new ArrayList<>(shownBefore);
        all.add(event);
        all.addAll(shownAfter);
        long start = before.isEmpty() ? event.position() - 1 : before.getLast().position() - 1;
        long end = after.isEmpty() ? event.position() : after.getLast().position();
        long now = clock.millis();
        Mono<List<StoredEvent>> state = filter.lazyLoadMembers()
                ? senderMembers(event.roomId(), all, end)
                : database.stateAt(event.roomId(), end)
                        .map(spansAtEnd ->
                                spansAtEnd.stream().map(StateSpan::eventId).toList())
                        .flatMap(database::events)
                        .map(events -> events.stream()
                                .sorted(Comparator.comparingLong(StoredEvent::position))
                                .toList());
        return Mono.zip(aggregations.of(all, device, e -> EventVisibility.canSee(e, user, spans), now), state)
                .map(parts -> {
                    Map<String, JsonObject> bundled = parts.getT1();
                    return new JsonObjectBuilder()
                            .put(
                                    "event",
                                    event.toClient(
                                            device, now, true, Optional.ofNullable(bundled.get(event.eventId()))))
                            .put(
                                    "events_before",
                                    new JsonArray(
                                            BundledAggregations.clientEvents(shownBefore, bundled, device, now, true)))
                            .put(
                                    "events_after",
                                    new JsonArray(
                                            BundledAggregations.clientEvents(shownAfter, bundled, device, now, true)))
                            .put("start", new StreamToken(start).toString())
                            .put("end", new StreamToken(end).toString())
                            .put(
                                    "state",
                                    new JsonArray(parts.getT2().stream()
                                            .<CanonicalJsonValue>map(e -> e.toClient(device, now, true))
                                            .toList()))
                            .build();
                });
    }

    private Mono<Void> checkAccess(String roomId, List<StateSpan> memberships, long position) {
        boolean member = memberships.stream()
                .anyMatch(span -> span.membershipOrEmpty().equals("join")
                        || span.membershipOrEmpty().equals("invite"));
        if (member) {
            return Mono.empty();
        }
        return database.historyVisibilityAt(roomId, position)
                .flatMap(visibility -> HistoryVisibility.normalize(visibility).equals(HistoryVisibility.WORLD_READABLE)
                        ? Mono.empty()
                        : Mono.error(new MatrixException(
                                ErrorCode.FORBIDDEN,
                                "You aren't a member of the room and its history is not world-readable")));
    }

    private Mono<JsonObject> page(Request request, List<StateSpan> memberships, long position) {
        boolean backwards = request.direction() == Direction.BACKWARDS;
        long start = request.from().map(StreamToken::events).orElse(backwards ? position : Long.MIN_VALUE);
        Mono<List<StoredEvent>> read = backwards
                ? database.roomEvents(
                        request.roomId(),
                        request.to().map(StreamToken::events).orElse(Long.MIN_VALUE),
                        start,
                        request.limit(),
                        true)
                : database.roomEvents(
                        request.roomId(),
                        start,
                        request.to().map(StreamToken::events).orElse(position),
                        request.limit(),
                        false);
        // Paging back past the oldest event held here: other servers may hold what came before. In a room joined
        // with partial state, a page that has events is answered at once (with an end token) while the history is
        // fetched for the next page: the state before it is the room's whole state, which takes seconds in a big room.
        Mono<Read> withHistory = !backwards || request.to().isPresent()
                ? read.map(Read::complete)
                : read.flatMap(events -> events.size() == request.limit()
                        ? Mono.just(Read.complete(events))
                        : (events.isEmpty() ? Mono.just(false) : database.isPartialState(request.roomId()))
                                .flatMap(partial -> {
                                    if (partial) {
                                        history.fetchBefore(request.roomId(), request.limit())
                                                .subscribe();
                                        return Mono.just(new Read(events, true));
                                    }
                                    return history.fetchBefore(request.roomId(), request.limit())
                                            .flatMap(fetched -> fetched ? read : Mono.just(events))
                                            .map(Read::complete);
                                }));
        String user = request.device().userId().toString();
        long now = clock.millis();
        return withHistory.flatMap(page -> {
            List<StoredEvent> events = page.events();
            List<StoredEvent> shown = events.stream()
                    .filter(event -> EventVisibility.canSee(event, user, memberships)
                            && request.filter().matches(event))
                    .toList();
            return aggregations
                    .of(shown, request.device(), event -> EventVisibility.canSee(event, user, memberships), now)
                    .flatMap(found -> page(request, page, shown, found, start, now));
        });
    }

    /**
     * The events a page read, and whether history before them is still being fetched (then the page has an end
     * token, however few events it has, so the client asks again).
     */
    private record Read(List<StoredEvent> events, boolean historyPending) {
        static Read complete(List<StoredEvent> events) {
            return new Read(events, false);
        }
    }

    /** One page: the events as read, {@code shown} of them, with their aggregations. */
    private Mono<JsonObject> page(
            Request request,
            Read read,
            List<StoredEvent> shown,
            Map<String, JsonObject> aggregations,
            long start,
            long now) {
        List<StoredEvent> events = read.events();
        boolean backwards = request.direction() == Direction.BACKWARDS;
        List<CanonicalJsonValue> chunk =
                BundledAggregations.clientEvents(shown, aggregations, request.device(), now, true);
        JsonObjectBuilder out = new JsonObjectBuilder()
                .put("start", new StreamToken(start).toString())
                .put("chunk", new JsonArray(chunk));
        if (!events.isEmpty() && (events.size() == request.limit() || read.historyPending())) {
            long last = events.getLast().position();
            out.put("end", new StreamToken(backwards ? last - 1 : last).toString());
        }
        if (!request.filter().lazyLoadMembers() || shown.isEmpty()) {
            return Mono.just(out.build());
        }
        return senderMembers(request.roomId(), shown)
                .map(members -> out.put(
                                "state",
                                new JsonArray(members.stream()
                                        .<CanonicalJsonValue>map(event -> event.toClient(request.device(), now, true))
                                        .toList()))
                        .build());
    }

    /**
     * With {@code lazy_load_members}: the member events of the chunk's senders, from the state at the chunk's first
     * event, as Synapse takes them ({@code PaginationHandler.get_messages}). Every sender's member event is sent
     * each time; leaving out those the client already has ({@code include_redundant_members: false}) is an
     * optimisation the spec allows, not a requirement.
     */
    private Mono<List<StoredEvent>> senderMembers(String roomId, List<StoredEvent> shown) {
        return senderMembers(roomId, shown, shown.getFirst().position());
    }

    /** The member events of the senders of {@code shown} in the state at {@code position}, oldest first. */
    private Mono<List<StoredEvent>> senderMembers(String roomId, List<StoredEvent> shown, long position) {
        Set<String> senders = shown.stream().map(StoredEvent::sender).collect(Collectors.toSet());
        return database.stateAt(roomId, position)
                .map(state -> state.stream()
                        .filter(span -> span.type().equals("m.room.member") && senders.contains(span.stateKey()))
                        .map(StateSpan::eventId)
                        .toList())
                .flatMap(database::events)
                .map(members -> members.stream()
                        .sorted(Comparator.comparingLong(StoredEvent::position))
                        .toList());
    }
}
