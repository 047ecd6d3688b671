package dev.lattice.federationapi.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import dev.lattice.api.roomserver.InputRoomEvent;
import dev.lattice.api.roomserver.InputVerdict;
import dev.lattice.api.roomserver.RoomserverInputApi;
import dev.lattice.api.roomserver.RoomserverQueryApi;
import dev.lattice.api.roomserver.StoredEvent;
import dev.lattice.protocol.auth.AuthEventsSelection;
import dev.lattice.protocol.event.EventBuilder;
import dev.lattice.protocol.event.Pdu;
import dev.lattice.protocol.id.EventId;
import dev.lattice.protocol.id.RoomId;
import dev.lattice.protocol.id.ServerName;
import dev.lattice.protocol.id.UserId;
import dev.lattice.protocol.json.JsonArray;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.json.JsonObjectBuilder;
import dev.lattice.protocol.json.JsonString;
import dev.lattice.protocol.spec.ErrorCode;
import dev.lattice.protocol.spec.MatrixException;
import dev.lattice.protocol.version.RoomVersionRules;
import dev.lattice.protocol.version.RoomVersions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;

/**
 * The resident side of joins and leaves (<a href="https://spec.matrix.org/v1.19/server-server-api/#joining-rooms">
 * spec</a>): {@code make_join}/{@code make_leave} answer a template built on the room's forward extremities;
 * {@code send_join}/{@code send_leave} v2 take the signed event through the checks on receipt and the roomserver; a
 * join is answered with the state before it and its auth chain.
 */
public final class InboundJoins {
    private final ServerName us;
    private final ReceivedPdus received;
    private final Supplier<RoomserverInputApi> input;
    private final Supplier<RoomserverQueryApi> query;
    private final Clock clock;

    public InboundJoins(
            ServerName us,
            ReceivedPdus received,
            Supplier<RoomserverInputApi> input,
            Supplier<RoomserverQueryApi> query,
            Clock clock) {
        this.us = requireNonNull(us, "us is null");
        this.received = requireNonNull(received, "received is null");
        this.input = requireNonNull(input, "input is null");
        this.query = requireNonNull(query, "query is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /**
     * {@code GET /_matrix/federation/v1/make_join/{roomId}/{userId}}: for a user of {@code origin}, in a room held
     * here, of a version the joining server supports ({@code ver}; only version 1 when it lists none).
     */
    public Mono<JsonObject> makeJoin(ServerName origin, RoomId roomId, UserId userId, List<String> versions) {
        return template(origin, roomId, userId, "join", versions.isEmpty() ? List.of("1") : versions);
    }

    /** {@code GET /_matrix/federation/v1/make_leave/{roomId}/{userId}}: for a user of {@code origin}. */
    public Mono<JsonObject> makeLeave(ServerName origin, RoomId roomId, UserId userId) {
        return template(origin, roomId, userId, "leave", null);
    }

    /**
     * {@code GET /_matrix/federation/v1/make_knock/{roomId}/{userId}}: as {@code make_join}; {@code ver} is required,
     * and a room version without knocking is 400 {@code M_INCOMPATIBLE_ROOM_VERSION}.
     */
    public Mono<JsonObject> makeKnock(ServerName origin, RoomId roomId, UserId userId, List<String> versions) {
        return rules(roomId)
                .flatMap(rules -> rules.authorization().knocking()
                        ? template(origin, roomId, userId, "knock", versions)
                        : Mono.error(new MatrixException(
                                        ErrorCode.INCOMPATIBLE_ROOM_VERSION,
                                        "Room version " + rules.id() + " does not support knocking")
                                .withField(
                                        "room_version", JsonString.of(rules.id().toString()))));
    }

    /** A membership template built on the forward extremities; {@code versions} null: any room version. */
    private Mono<JsonObject> template(
            ServerName origin, RoomId roomId, UserId userId, String membership, List<String> versions) {
        if (!userId.serverName().equals(origin)) {
            return Mono.error(new MatrixException(ErrorCode.FORBIDDEN, "The user is not from the requesting server"));
        }
        return rules(roomId).flatMap(rules -> {
            if (versions != null && !versions.contains(rules.id().toString())) {
                return Mono.error(new MatrixException(
                                ErrorCode.INCOMPATIBLE_ROOM_VERSION,
                                "The room is version " + rules.id() + ", which the joining server does not support")
                        .withField("room_version", JsonString.of(rules.id().toString())));
            }
            JsonObject content =
                    new JsonObjectBuilder().put("membership", membership).build();
            var keys = AuthEventsSelection.forEvent(
                    rules, "m.room.member", Optional.of(userId.value()), userId.value(), content);
            return query.get().queryLatestEvents(roomId, keys).map(latest -> {
                var l = latest.orElseThrow(() -> new MatrixException(ErrorCode.NOT_FOUND, "Unknown room"));
                JsonObject template = EventBuilder.forVersion(rules)
                        .type("m.room.member")
                        .stateKey(userId.value())
                        .sender(userId)
                        .roomId(roomId)
                        .content(content)
                        .prevEvents(l.prevEvents())
                        .authEvents(l.authEvents())
                        .depth(l.depth())
                        .originServerTs(clock.millis())
                        .build(us)
                        .without("event_id")
                        .without("hashes")
                        .without("signatures");
                return new JsonObjectBuilder()
                        .put("room_version", rules.id().toString())
                        .put("event", template)
                        .build();
            });
        });
    }

    /**
     * {@code PUT /_matrix/federation/v2/send_join/{roomId}/{eventId}}: the join must be {@code eventId}, a join of a
     * user of {@code origin} to this room, and accepted by the roomserver; the answer has the state before it, with
     * {@code omitMembers} ({@code omit_members=true}, a partial-state join) without its member events but the heroes'.
     */
    public Mono<JsonObject> sendJoin(
            ServerName origin, RoomId roomId, EventId eventId, JsonObject event, boolean omitMembers) {
        return submit(origin, roomId, eventId, event, "join")
                .then(Mono.defer(() -> answer(
                        roomId, eventId, UserId.parse(event.getString("sender").orElseThrow()), omitMembers)));
    }

    /** {@code PUT /_matrix/federation/v2/send_leave/{roomId}/{eventId}}: as a join; the answer is empty. */
    public Mono<JsonObject> sendLeave(ServerName origin, RoomId roomId, EventId eventId, JsonObject event) {
        return submit(origin, roomId, eventId, event, "leave").thenReturn(JsonObject.EMPTY);
    }

    /**
     * {@code PUT /_matrix/federation/v1/send_knock/{roomId}/{eventId}}: as a join; the answer is the room's stripped
     * state, which the knocker's client shows while it waits.
     */
    public Mono<JsonObject> sendKnock(ServerName origin, RoomId roomId, EventId eventId, JsonObject event) {
        return submit(origin, roomId, eventId, event, "knock")
                .then(Mono.defer(() -> StrippedState.of(
                        query.get(), roomId, event.getString("sender").orElse(""))))
                .map(state -> JsonObject.EMPTY.with("knock_room_state", new JsonArray(state)));
    }

    /** The membership event checked, then decided by the roomserver; a refusal is 403 {@code M_FORBIDDEN}. */
    private Mono<Void> submit(ServerName origin, RoomId roomId, EventId eventId, JsonObject event, String membership) {
        return rules(roomId)
                .flatMap(rules -> received.check(rules, event)
                        .onErrorMap(
                                ReceivedPdus.RejectedPdu.class,
                                e -> new MatrixException(ErrorCode.BAD_JSON, e.getMessage()))
                        .flatMap(pdu -> {
                            requireMembershipOf(pdu, membership, origin, roomId, eventId);
                            return input.get()
                                    .inputRoomEvent(InputRoomEvent.received(
                                            roomId, rules.id(), new String(pdu.bytes(), UTF_8), origin))
                                    .flatMap(verdict -> verdict.outcome() == InputVerdict.Outcome.REJECTED
                                                    || verdict.outcome() == InputVerdict.Outcome.SOFT_FAILED
                                            ? Mono.error(new MatrixException(
                                                    ErrorCode.FORBIDDEN,
                                                    "The " + membership + " is not allowed: " + verdict.reason()))
                                            : Mono.empty());
                        }));
    }

    private static void requireMembershipOf(
            Pdu event, String membership, ServerName origin, RoomId roomId, EventId eventId) {
        boolean matches = event.type().equals("m.room.member")
                && event.stateKey().filter(event.sender()::equals).isPresent()
                && event.content()
                        .getString("membership")
                        .filter(membership::equals)
                        .isPresent();
        if (!matches
                || !event.roomId().equals(roomId.value())
                || !event.eventId().equals(eventId.value())) {
            throw new MatrixException(ErrorCode.BAD_JSON, "Not the " + membership + " event of the request path");
        }
        if (!UserId.parse(event.sender()).serverName().equals(origin)) {
            throw new MatrixException(ErrorCode.FORBIDDEN, "The user is not from the requesting server");
        }
    }

    private Mono<JsonObject> answer(RoomId roomId, EventId joinId, UserId joiner, boolean omitMembers) {
        return query.get().queryStateBeforeEvent(joinId).flatMap(found -> {
            List<StoredEvent> state =
                    found.orElseThrow(() -> new MatrixException(ErrorCode.NOT_FOUND, "The join has no state here"));
            List<StoredEvent> sent = omitMembers ? PartialState.withoutMembers(state, joiner) : state;
            Set<EventId> sentIds =
                    new LinkedHashSet<>(sent.stream().map(StoredEvent::eventId).toList());
            List<EventId> chainOf = new ArrayList<>(sentIds);
            chainOf.add(joinId);
            Set<String> servers = new LinkedHashSet<>();
            servers.add(us.value());
            for (StoredEvent member : state) {
                if (member.type().equals("m.room.member")
                        && member.content()
                                .getString("membership")
                                .filter("join"::equals)
                                .isPresent()) {
                    servers.add(UserId.parse(member.stateKey()).serverName().value());
                }
            }
            return query.get()
                    .queryAuthChain(roomId, chainOf)
                    // with omit_members, what state holds is left out of the auth chain, as the spec allows
                    .map(chain -> omitMembers
                            ? chain.stream()
                                    .filter(event -> !sentIds.contains(event.eventId()))
                                    .toList()
                            : chain)
                    .map(chain -> new JsonObjectBuilder()
                            .put("origin", us.value())
                            .put("state", FederationJson.pdus(sent))
                            .put("auth_chain", FederationJson.pdus(chain))
                            .put("members_omitted", omitMembers)
                            .putStrings("servers_in_room", servers)
                            .build());
        });
    }

    private Mono<RoomVersionRules> rules(RoomId roomId) {
        return query.get()
                .queryRoomVersion(roomId)
                .map(version -> version.flatMap(RoomVersions::rules)
                        .orElseThrow(() -> new MatrixException(ErrorCode.NOT_FOUND, "Unknown room")));
    }
}
