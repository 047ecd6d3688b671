package dev.lattice.syncapi.internal;

import static java.util.Objects.requireNonNull;

import dev.lattice.api.clientapi.AuthenticatedDevice;
import dev.lattice.protocol.json.JsonArray;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.json.JsonObjectBuilder;
import dev.lattice.protocol.spec.ErrorCode;
import dev.lattice.protocol.spec.MatrixException;
import dev.lattice.syncapi.storage.Relation;
import dev.lattice.syncapi.storage.StateSpan;
import dev.lattice.syncapi.storage.StoredEvent;
import dev.lattice.syncapi.storage.SyncApiDatabase;
import java.time.Clock;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import reactor.core.publisher.Mono;

/**
 * {@code GET /rooms/{roomId}/relations/{eventId}[/{relType}[/{eventType}]]} and {@code GET /rooms/{roomId}/threads}:
 * the events that relate to an event, and a room's threads by latest activity, each page with its bundled
 * aggregations. Tokens are room events tokens ({@link StreamToken}) over the children's (for threads: the latest
 * replies') stream positions; only what the history visibility rules let the user see is served.
 */
public final class RoomRelations {
    /** Synapse's default page sizes. */
    public static final int DEFAULT_LIMIT = 5;
    /** The largest page served. */
    public static final int MAX_LIMIT = 100;
    /** How deep {@code recurse=true} follows relations of relations (Synapse's depth). */
    static final int RECURSION_DEPTH = 3;

    /** One {@code /relations} request. */
    public record RelationsRequest(
            AuthenticatedDevice device,
            String roomId,
            String eventId,
            Optional<String> relType,
            Optional<String> eventType,
            Optional<StreamToken> from,
            Optional<StreamToken> to,
            boolean backwards,
            int limit,
            boolean recurse) {
        public RelationsRequest {
            requireNonNull(device, "device is null");
            requireNonNull(roomId, "roomId is null");
            requireNonNull(eventId, "eventId is null");
            requireNonNull(relType, "relType is null");
            requireNonNull(eventType, "eventType is null");
            requireNonNull(from, "from is null");
            requireNonNull(to, "to is null");
        }
    }

    private final SyncApiDatabase database;
    private final MembershipHistory memberships;
    private final BundledAggregations aggregations;
    private final RoomMessages messages;
    private final Clock clock;

    public RoomRelations(
            SyncApiDatabase database,
            MembershipHistory memberships,
            BundledAggregations aggregations,
            RoomMessages messages,
            Clock clock) {
        this.database = requireNonNull(database, "database is null");
        this.memberships = requireNonNull(memberships, "memberships is null");
        this.aggregations = requireNonNull(aggregations, "aggregations is null");
        this.messages = requireNonNull(messages, "messages is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /**
     * The children of an event the user may see ({@code 404 M_NOT_FOUND} otherwise, as for {@code /event}):
     * {@code chunk}, {@code next_batch} while more may follow, {@code prev_batch} when paged from a token, and
     * {@code recursion_depth} when recursing.
     */
    public Mono<JsonObject> relations(RelationsRequest request) {
        String user = request.device().userId().toString();
        return Mono.zip(database.event(request.eventId()), memberships.of(request.roomId(), user))
                .flatMap(loaded -> {
                    List<StateSpan> spans = loaded.getT2();
                    boolean visible = loaded.getT1()
                            .filter(event -> event.roomId().equals(request.roomId()))
                            .filter(event -> EventVisibility.canSee(event, user, spans))
                            .isPresent();
                    if (!visible) {
                        return Mono.error(new MatrixException(ErrorCode.NOT_FOUND, "Event not found"));
                    }
                    return parents(request)
                            .flatMap(parents -> page(request, parents, spans))
                            .map(page -> {
                                JsonObjectBuilder out = new JsonObjectBuilder().put("chunk", page.getKey());
                                page.getValue().ifPresent(next -> out.put("next_batch", next));
                                request.from().ifPresent(from -> out.put("prev_batch", from.toString()));
                                if (request.recurse()) {
                                    out.put("recursion_depth", RECURSION_DEPTH);
                                }
                                return out.build();
                            });
                });
    }

    /** The event, and with {@code recurse} the children of its children down to {@link #RECURSION_DEPTH}. */
    private Mono<Set<String>> parents(RelationsRequest request) {
        Set<String> parents = new LinkedHashSet<>(List.of(request.eventId()));
        if (!request.recurse()) {
            return Mono.just(parents);
        }
        Mono<Set<String>> level = Mono.just(parents);
        for (int depth = 1; depth < RECURSION_DEPTH; depth++) {
            level = level.flatMap(known -> database.children(
                            known,
                            request.relType(),
                            Optional.empty(),
                            Long.MIN_VALUE,
                            Long.MAX_VALUE,
                            MAX_LIMIT * 10,
                            true)
                    .map(children -> {
                        Set<String> more = new LinkedHashSet<>(known);
                        children.forEach(child -> more.add(child.eventId()));
                        return more;
                    }));
        }
        return level;
    }

    private Mono<Map.Entry<JsonArray, Optional<String>>> page(
            RelationsRequest request, Set<String> parents, List<StateSpan> spans) {
        boolean backwards = request.backwards();
        long after = backwards
                ? request.to().map(StreamToken::events).orElse(Long.MIN_VALUE)
                : request.from().map(StreamToken::events).orElse(Long.MIN_VALUE);
        // Backwards from s<p> includes p (as /messages): positions below p + 1.
        long before = backwards
                ? request.from().map(token -> token.events() + 1).orElse(Long.MAX_VALUE)
                : request.to().map(token -> token.events() + 1).orElse(Long.MAX_VALUE);
        String user = request.device().userId().toString();
        return database.children(
                        parents, request.relType(), request.eventType(), after, before, request.limit(), backwards)
                .flatMap(children -> {
                    Optional<String> next = Optional.empty();
                    if (children.size() == request.limit() && !children.isEmpty()) {
                        long last = children.getLast().position();
                        next = Optional.of(new StreamToken(backwards ? last - 1 : last).toString());
                    }
                    Optional<String> nextBatch = next;
                    return shown(children, user, spans, request.device()).map(chunk -> Map.entry(chunk, nextBatch));
                });
    }

    /** The children the user may see, in the order given, in the client format with their aggregations. */
    private Mono<JsonArray> shown(
            List<Relation> children, String user, List<StateSpan> spans, AuthenticatedDevice device) {
        return database.events(children.stream().map(Relation::eventId).toList())
                .flatMap(events -> {
                    Map<String, StoredEvent> byId =
                            events.stream().collect(Collectors.toMap(StoredEvent::eventId, Function.identity()));
                    List<StoredEvent> ordered = children.stream()
                            .map(child -> byId.get(child.eventId()))
                            .filter(event -> event != null && EventVisibility.canSee(event, user, spans))
                            .toList();
                    long now = clock.millis();
                    return aggregations
                            .of(ordered, device, event -> EventVisibility.canSee(event, user, spans), now)
                            .map(found ->
                                    new JsonArray(BundledAggregations.clientEvents(ordered, found, device, now, true)));
                });
    }

    /**
     * {@code GET /rooms/{roomId}/threads}: thread roots by latest reply, newest first, for a member (or anyone in a
     * world-readable room); {@code participated} keeps threads whose root or a reply the user sent.
     */
    public Mono<JsonObject> threads(
            AuthenticatedDevice device, String roomId, boolean participated, Optional<StreamToken> from, int limit) {
        String user = device.userId().toString();
        return messages.requireAccess(roomId, user)
                .flatMap(spans -> database.threadRoots(
                                roomId,
                                participated ? Optional.of(user) : Optional.empty(),
                                from.map(token -> token.events() + 1).orElse(Long.MAX_VALUE),
                                limit)
                        .flatMap(roots -> database.events(
                                        roots.stream().map(Map.Entry::getKey).toList())
                                .flatMap(events -> {
                                    Map<String, Long> latest = new HashMap<>();
                                    roots.forEach(root -> latest.put(root.getKey(), root.getValue()));
                                    List<StoredEvent> ordered = events.stream()
                                            .filter(event -> EventVisibility.canSee(event, user, spans))
                                            .sorted(Comparator.comparingLong(
                                                            (StoredEvent event) -> latest.get(event.eventId()))
                                                    .reversed())
                                            .toList();
                                    long now = clock.millis();
                                    return aggregations
                                            .of(
                                                    ordered,
                                                    device,
                                                    event -> EventVisibility.canSee(event, user, spans),
                                                    now)
                                            .map(found -> {
                                                JsonObjectBuilder out = new JsonObjectBuilder()
                                                        .put(
                                                                "chunk",
                                                                new JsonArray(BundledAggregations.clientEvents(
                                                                        ordered, found, device, now, true)));
                                                if (roots.size() == limit && !roots.isEmpty()) {
                                                    out.put(
                                                            "next_batch",
                                                            new StreamToken(roots.getLast()
                                                                                    .getValue()
                                                                            - 1)
                                                                    .toString());
                                                }
                                                return out.build();
                                            });
                                })));
    }
}
