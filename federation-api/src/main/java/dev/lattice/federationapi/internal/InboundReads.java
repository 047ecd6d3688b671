package dev.lattice.federationapi.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import dev.lattice.api.clientapi.UserApi;
import dev.lattice.api.roomserver.RoomserverQueryApi;
import dev.lattice.api.roomserver.StoredEvent;
import dev.lattice.protocol.event.Pdu;
import dev.lattice.protocol.id.EventId;
import dev.lattice.protocol.id.RoomAliasId;
import dev.lattice.protocol.id.RoomId;
import dev.lattice.protocol.id.ServerName;
import dev.lattice.protocol.id.UserId;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.json.JsonObjectBuilder;
import dev.lattice.protocol.spec.ErrorCode;
import dev.lattice.protocol.spec.MatrixException;
import dev.lattice.protocol.version.RoomVersionRules;
import dev.lattice.protocol.version.RoomVersions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.function.Supplier;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * What other servers read of the rooms held here: single events, the state at an event, auth chains, missing events,
 * backfill, and the profile and alias queries. Room reads are answered only to a server with a member joined to the
 * room (NOTSPEC: the spec leaves it to history visibility; Synapse also requires the server to be in the room).
 */
public final class InboundReads {
    /** The most events one {@code get_missing_events} or {@code backfill} answers, whatever the limit asked. */
    static final int MAX_EVENTS = 100;

    private final ServerName us;
    private final ServerAcls acls;
    private final Supplier<RoomserverQueryApi> query;
    private final Supplier<UserApi> users;
    private final Clock clock;

    public InboundReads(
            ServerName us, ServerAcls acls, Supplier<RoomserverQueryApi> query, Supplier<UserApi> users, Clock clock) {
        this.us = requireNonNull(us, "us is null");
        this.acls = requireNonNull(acls, "acls is null");
        this.query = requireNonNull(query, "query is null");
        this.users = requireNonNull(users, "users is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /**
     * {@code GET /_matrix/federation/v1/event/{eventId}}; the event's room's server ACL applies (its path names no
     * room, so the route cannot check it first).
     */
    public Mono<JsonObject> event(ServerName origin, EventId eventId) {
        return query.get().queryEvent(eventId).flatMap(found -> {
            StoredEvent event = found.orElseThrow(() -> new MatrixException(ErrorCode.NOT_FOUND, "Unknown event"));
            return acls.check(event.roomId(), origin)
                    .then(requireInRoom(origin, event.roomId()))
                    .thenReturn(transaction(List.of(event)));
        });
    }

    /** {@code GET /_matrix/federation/v1/state_ids/{roomId}?event_id=}: the state before the event, as IDs. */
    public Mono<JsonObject> stateIds(ServerName origin, RoomId roomId, EventId eventId) {
        return stateAndChain(origin, roomId, eventId)
                .map(t -> new JsonObjectBuilder()
                        .putStrings("pdu_ids", ids(t.state()))
                        .putStrings("auth_chain_ids", ids(t.authChain()))
                        .build());
    }

    /** {@code GET /_matrix/federation/v1/state/{roomId}?event_id=}: the state before the event. */
    public Mono<JsonObject> state(ServerName origin, RoomId roomId, EventId eventId) {
        return stateAndChain(origin, roomId, eventId)
                .map(t -> new JsonObjectBuilder()
                        .put("pdus", FederationJson.pdus(t.state()))
                        .put("auth_chain", FederationJson.pdus(t.authChain()))
                        .build());
    }

    /** {@code GET /_matrix/federation/v1/event_auth/{roomId}/{eventId}}. */
    public Mono<JsonObject> eventAuth(ServerName origin, RoomId roomId, EventId eventId) {
        return requireInRoom(origin, roomId)
                .then(query.get().queryAuthChain(roomId, List.of(eventId)))
                .map(chain -> new JsonObjectBuilder()
                        .put("auth_chain", FederationJson.pdus(chain))
                        .build());
    }

    /**
     * {@code POST /_matrix/federation/v1/get_missing_events/{roomId}}: walking back from the prev events of
     * {@code latest_events}, the events not in {@code earliest_events} and at least {@code min_depth} deep, oldest
     * first.
     */
    public Mono<JsonObject> missingEvents(ServerName origin, RoomId roomId, JsonObject body) {
        Set<String> earliest = FederationJson.strings(body, "earliest_events");
        List<String> latest = new ArrayList<>(FederationJson.strings(body, "latest_events"));
        long limit = Math.min(body.getInteger("limit").orElse(10L), MAX_EVENTS);
        long minDepth = body.getInteger("min_depth").orElse(0L);
        return requireInRoom(origin, roomId)
                .then(Flux.fromIterable(latest)
                        .concatMap(id -> query.get().queryEvent(EventId.parse(id)))
                        .flatMapIterable(found -> found.stream().toList())
                        .collectList())
                .flatMap(starts -> {
                    Set<String> seen = new HashSet<>(earliest);
                    seen.addAll(latest);
                    List<String> frontier = new ArrayList<>();
                    starts.forEach(e -> frontier.addAll(Walked.of(e).pdu().prevEvents()));
                    return walk(roomId, frontier, seen, (int) limit, minDepth);
                })
                .map(events -> new JsonObjectBuilder()
                        .put("events", FederationJson.pdus(oldestFirst(events)))
                        .build());
    }

    /** {@code GET /_matrix/federation/v1/backfill/{roomId}?v=&limit=}: the given events and what precedes them. */
    public Mono<JsonObject> backfill(ServerName origin, RoomId roomId, List<String> from, int limit) {
        return requireInRoom(origin, roomId)
                .then(walk(roomId, from, new HashSet<>(), Math.min(limit, MAX_EVENTS), 0))
                .map(events -> transaction(oldestFirst(events)));
    }

    /**
     * {@code GET /_matrix/federation/v1/timestamp_to_event/{roomId}?ts=&dir=}: the room's event closest to {@code ts}
     * that this server holds (404 {@code M_NOT_FOUND} when none).
     */
    public Mono<JsonObject> timestampToEvent(ServerName origin, RoomId roomId, long ts, boolean forwards) {
        return requireInRoom(origin, roomId)
                .then(query.get().queryEventAtTimestamp(roomId, ts, forwards))
                .map(found -> {
                    StoredEvent event = found.orElseThrow(() -> new MatrixException(
                            ErrorCode.NOT_FOUND, "No event found from " + ts + " in that direction"));
                    return new JsonObjectBuilder()
                            .put("event_id", event.eventId().value())
                            .put("origin_server_ts", event.originServerTs())
                            .build();
                });
    }

    /** {@code GET /_matrix/federation/v1/query/profile?user_id=&field=}. */
    public Mono<JsonObject> profile(UserId userId, Optional<String> field) {
        if (!userId.serverName().equals(us)) {
            return Mono.error(new MatrixException(ErrorCode.INVALID_PARAM, "The user is not on this server"));
        }
        return users.get().queryProfile(userId).map(found -> {
            var profile = found.orElseThrow(() -> new MatrixException(ErrorCode.NOT_FOUND, "Profile not found"));
            JsonObjectBuilder answer = new JsonObjectBuilder();
            if (field.isEmpty() || field.get().equals("displayname")) {
                profile.displaynameIfSet().ifPresent(name -> answer.put("displayname", name));
            }
            if (field.isEmpty() || field.get().equals("avatar_url")) {
                profile.avatarUrlIfSet().ifPresent(url -> answer.put("avatar_url", url));
            }
            return answer.build();
        });
    }

    /** {@code GET /_matrix/federation/v1/query/directory?room_alias=}. */
    public Mono<JsonObject> directory(RoomAliasId alias) {
        return users.get().queryRoomAlias(alias).map(found -> {
            RoomId room = found.orElseThrow(() -> new MatrixException(ErrorCode.NOT_FOUND, "Room alias not found"));
            return new JsonObjectBuilder()
                    .put("room_id", room.value())
                    .putStrings("servers", List.of(us.value()))
                    .build();
        });
    }

    private record StateAndChain(List<StoredEvent> state, List<StoredEvent> authChain) {}

    private Mono<StateAndChain> stateAndChain(ServerName origin, RoomId roomId, EventId eventId) {
        return requireInRoom(origin, roomId)
                .then(query.get().queryStateBeforeEvent(eventId))
                .flatMap(found -> {
                    List<StoredEvent> state = found.orElseThrow(
                            () -> new MatrixException(ErrorCode.NOT_FOUND, "No state known at that event"));
                    if (!state.isEmpty() && !state.getFirst().roomId().equals(roomId)) {
                        return Mono.error(new MatrixException(ErrorCode.NOT_FOUND, "The event is in another room"));
                    }
                    List<EventId> ids = state.stream().map(StoredEvent::eventId).toList();
                    return query.get().queryAuthChain(roomId, ids).map(chain -> new StateAndChain(state, chain));
                });
    }

    /**
     * Breadth-first back through prev events from {@code frontier}, deepest first, skipping {@code seen}, until
     * {@code limit} events; events below {@code minDepth} are not followed.
     */
    private Mono<List<Walked>> walk(RoomId roomId, List<String> frontier, Set<String> seen, int limit, long minDepth) {
        PriorityQueue<Walked> queue = new PriorityQueue<>(
                Comparator.comparingLong((Walked walked) -> walked.pdu().depth())
                        .reversed());
        List<Walked> out = new ArrayList<>();
        return Flux.fromIterable(frontier)
                .filter(seen::add)
                .concatMap(id -> query.get().queryEvent(EventId.parse(id)))
                .doOnNext(found -> found.filter(e -> e.roomId().equals(roomId))
                        .map(Walked::of)
                        .ifPresent(queue::add))
                .then(Mono.defer(() -> step(roomId, queue, seen, out, limit, minDepth)));
    }

    private Mono<List<Walked>> step(
            RoomId roomId, PriorityQueue<Walked> queue, Set<String> seen, List<Walked> out, int limit, long minDepth) {
        if (queue.isEmpty() || out.size() >= limit) {
            return Mono.just(out);
        }
        Walked next = queue.poll();
        if (next.pdu().depth() < minDepth) {
            return step(roomId, queue, seen, out, limit, minDepth);
        }
        out.add(next);
        return Flux.fromIterable(next.pdu().prevEvents())
                .filter(seen::add)
                .concatMap(id -> query.get().queryEvent(EventId.parse(id)))
                .doOnNext(found -> found.filter(e -> e.roomId().equals(roomId))
                        .map(Walked::of)
                        .ifPresent(queue::add))
                .then(Mono.defer(() -> step(roomId, queue, seen, out, limit, minDepth)));
    }

    private Mono<Void> requireInRoom(ServerName origin, RoomId roomId) {
        return query.get()
                .queryJoinedServers(roomId)
                .flatMap(joined -> joined.contains(origin)
                        ? Mono.empty()
                        : Mono.error(
                                new MatrixException(ErrorCode.FORBIDDEN, "Your server has no member in this room")));
    }

    private JsonObject transaction(List<StoredEvent> events) {
        return new JsonObjectBuilder()
                .put("origin", us.value())
                .put("origin_server_ts", clock.millis())
                .put("pdus", FederationJson.pdus(events))
                .build();
    }

    private static List<StoredEvent> oldestFirst(List<Walked> events) {
        return events.stream()
                .sorted(Comparator.comparingLong(walked -> walked.pdu().depth()))
                .map(Walked::stored)
                .toList();
    }

    /** A stored event with its PDU parsed once, by the room version's rules, for its depth and prev events. */
    private record Walked(StoredEvent stored, Pdu pdu) {
        static Walked of(StoredEvent stored) {
            RoomVersionRules rules = RoomVersions.rules(stored.roomVersion())
                    .orElseThrow(
                            () -> new IllegalStateException("stored in unsupported version " + stored.roomVersion()));
            return new Walked(stored, Pdu.parseBackfilled(rules, stored.pdu().getBytes(UTF_8)));
        }
    }

    private static List<String> ids(List<StoredEvent> events) {
        return events.stream().map(e -> e.eventId().value()).toList();
    }
}
