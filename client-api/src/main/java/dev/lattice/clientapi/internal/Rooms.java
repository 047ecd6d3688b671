package dev.lattice.clientapi.internal;

import static java.util.Objects.requireNonNull;

import dev.lattice.api.clientapi.AuthenticatedDevice;
import dev.lattice.api.federationapi.RemoteRoomsApi;
import dev.lattice.api.roomserver.RoomMembership;
import dev.lattice.api.roomserver.RoomserverQueryApi;
import dev.lattice.api.roomserver.SendTransaction;
import dev.lattice.api.roomserver.StoredEvent;
import dev.lattice.clientapi.storage.ClientApiDatabase;
import dev.lattice.protocol.event.ClientEventFormat.Unsigned;
import dev.lattice.protocol.id.EventId;
import dev.lattice.protocol.id.InvalidIdException;
import dev.lattice.protocol.id.RoomAliasId;
import dev.lattice.protocol.id.RoomId;
import dev.lattice.protocol.id.ServerName;
import dev.lattice.protocol.id.UserId;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.json.CanonicalJsonValue;
import dev.lattice.protocol.json.JsonArray;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.json.JsonObjectBuilder;
import dev.lattice.protocol.json.JsonString;
import dev.lattice.protocol.spec.ErrorCode;
import dev.lattice.protocol.spec.MatrixException;
import dev.lattice.protocol.version.RoomVersionRules;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import reactor.core.publisher.Mono;

/**
 * A user's events in rooms: messages and state with txnIds, state reads, joined rooms, and membership changes
 * (join, leave, invite, kick, ban, unban). Authorisation is the roomserver's: a rejected event answers the
 * verdict's errcode and changes nothing.
 */
public final class Rooms {
    private static final Pattern OPAQUE_ID = Pattern.compile("[0-9A-Za-z._~-]{1,255}");

    private final RoomEvents events;
    private final Supplier<? extends RoomserverQueryApi> roomserver;
    private final ClientApiDatabase database;
    private final RestrictedJoins restrictedJoins;
    private final MemberProfiles profiles;
    private final Supplier<RemoteRoomsApi> remoteRooms;

    /** @param remoteRooms the federation-api's, or null where this process has none (joins stay local) */
    public Rooms(
            RoomEvents events,
            ClientApiDatabase database,
            MemberProfiles profiles,
            Supplier<? extends RoomserverQueryApi> roomserver,
            Supplier<RemoteRoomsApi> remoteRooms) {
        this.remoteRooms = requireNonNull(remoteRooms, "remoteRooms is null");
        this.roomserver = requireNonNull(roomserver, "roomserver is null");
        this.events = requireNonNull(events, "events is null");
        this.database = requireNonNull(database, "database is null");
        this.profiles = requireNonNull(profiles, "profiles is null");
        this.restrictedJoins = new RestrictedJoins(events, roomserver);
    }

    /**
     * {@code PUT /rooms/{roomId}/send/{eventType}/{txnId}}: the same txnId from the same device to the same room and
     * event type is one event.
     */
    public Mono<Map<String, String>> send(
            AuthenticatedDevice device, String roomId, String type, String txnId, JsonObject content) {
        RoomId room = roomId(roomId);
        return once(
                SendTransaction.send(device.userId(), device.deviceId(), txnId, room, type),
                transaction -> events.rules(room)
                        .flatMap(rules ->
                                events.send(room, rules, device.userId(), type, null, content, null, transaction)));
    }

    /** {@code PUT /rooms/{roomId}/redact/{eventId}/{txnId}}. */
    public Mono<Map<String, String>> redact(
            AuthenticatedDevice device, String roomId, String eventId, String txnId, JsonObject content) {
        RoomId room = roomId(roomId);
        EventId target = eventId(eventId);
        return once(
                SendTransaction.redact(device.userId(), device.deviceId(), txnId, room, target.value()),
                transaction -> events.rules(room)
                        .flatMap(rules -> events.checkMayRedact(room, rules, device.userId(), target)
                                .then(Mono.defer(() -> events.send(
                                        room,
                                        rules,
                                        device.userId(),
                                        "m.room.redaction",
                                        null,
                                        content.without("redacts"),
                                        target,
                                        transaction)))));
    }

    /**
     * Sends at most once per transaction (user, device, txnId, and the request: room and endpoint, see
     * {@link SendTransaction}). {@code send} goes first, with the transaction: the roomserver answers a retry of one
     * it stored with the earlier event's ID ({@code DUPLICATE_TRANSACTION}). Only when sending fails is the
     * transaction looked up, for a retry that can no longer be sent (the sender left the room since, say), which is
     * still answered with the earlier event's ID. So a first send costs no lookup.
     */
    private Mono<Map<String, String>> once(SendTransaction transaction, Function<SendTransaction, Mono<EventId>> send) {
        if (!OPAQUE_ID.matcher(transaction.transactionId()).matches()) {
            return Mono.error(new MatrixException(ErrorCode.INVALID_PARAM, "Invalid transaction ID"));
        }
        return Mono.defer(() -> send.apply(transaction))
                .onErrorResume(failure -> roomserver
                        .get()
                        .querySentTransaction(transaction)
                        .onErrorMap(lookupFailure -> failure)
                        .flatMap(existing -> existing.map(Mono::just).orElseGet(() -> Mono.error(failure))))
                .map(Rooms::eventIdAnswer);
    }

    /** {@code PUT /rooms/{roomId}/state/{eventType}/{stateKey}}. */
    public Mono<Map<String, String>> putState(
            AuthenticatedDevice device, String roomId, String type, String stateKey, JsonObject content) {
        RoomId room = roomId(roomId);
        if (type.equals("m.room.member")) {
            // NOTSPEC: like Synapse's checks, membership goes through the membership endpoints' rules too.
            userIdParam(stateKey);
        }
        boolean ownJoin = type.equals("m.room.member")
                && stateKey.equals(device.userId().value())
                && content.getString("membership").filter("join"::equals).isPresent();
        // A join set through the state endpoint carries the profile as one through /join does (Synapse sends both
        // through update_membership).
        Mono<JsonObject> withProfile = ownJoin ? profiles.withProfile(device.userId(), content) : Mono.just(content);
        return Mono.zip(events.rules(room), withProfile)
                .flatMap(ready ->
                        events.send(room, ready.getT1(), device.userId(), type, stateKey, ready.getT2(), null, null))
                .map(Rooms::eventIdAnswer);
    }

    /**
     * {@code GET /rooms/{roomId}/state}: the current state for a joined member, the state when they left for a former
     * member ({@link #readableState}).
     */
    public Mono<String> state(AuthenticatedDevice device, String roomId) {
        RoomId room = roomId(roomId);
        return readableState(device, room)
                .flatMap(at -> at.isEmpty()
                        ? roomserver.get().queryCurrentState(room)
                        : roomserver.get().queryStateAtEvent(at.get()).map(state -> state.orElse(List.of())))
                .map(state -> {
                    List<CanonicalJsonValue> out = state.stream()
                            .<CanonicalJsonValue>map(event -> event.toClient(Unsigned.NONE))
                            .toList();
                    return CanonicalJson.encodeToString(new JsonArray(out));
                });
    }

    /**
     * {@code GET /rooms/{roomId}/state/{eventType}/{stateKey}}: the content, or with {@code format=event} (v1.16) the
     * whole event in the client format; 404 when there is none. Any other format is 400 {@code M_INVALID_PARAM}, as
     * Synapse answers. Which state: as {@link #state}.
     */
    public Mono<String> stateEvent(
            AuthenticatedDevice device, String roomId, String type, String stateKey, String format) {
        RoomId room = roomId(roomId);
        boolean whole = switch (format) {
            case "content" -> false;
            case "event" -> true;
            default -> throw new MatrixException(ErrorCode.INVALID_PARAM, "format must be content or event");
        };
        return readableState(device, room)
                .flatMap(at -> at.isEmpty()
                        ? roomserver.get().queryCurrentStateEvent(room, type, stateKey)
                        : roomserver
                                .get()
                                .queryStateAtEvent(at.get())
                                .map(state -> state.orElse(List.of()).stream()
                                        .filter(event -> event.type().equals(type) && stateKey.equals(event.stateKey()))
                                        .findFirst()))
                .map(event -> event.orElseThrow(() -> new MatrixException(ErrorCode.NOT_FOUND, "No such state event")))
                .map(event -> CanonicalJson.encodeToString(whole ? event.toClient(Unsigned.NONE) : event.content()));
    }

    /**
     * Which state of the room the user may read (spec: 403 only for a user who is not and was not a member): empty
     * for the current state (joined), else the user's leave event, whose state (the state after it) is what they saw
     * when they left. As Synapse ({@code check_user_in_room_or_world_readable} with departed users allowed): a
     * former member who has forgotten the room, a banned or invited user and a stranger get 403 {@code M_FORBIDDEN}.
     * NOTSPEC: world-readable rooms are not readable by non-members yet (Synapse allows their current state).
     */
    private Mono<Optional<EventId>> readableState(AuthenticatedDevice device, RoomId room) {
        UserId user = device.userId();
        return roomserver.get().queryMembership(room, user).flatMap(membership -> {
            String current = membership.map(RoomMembership::membership).orElse("");
            if (current.equals("join")) {
                return Mono.just(Optional.<EventId>empty());
            }
            MatrixException notMember = new MatrixException(ErrorCode.FORBIDDEN, "You are not a member of this room");
            if (!current.equals("leave")) {
                return Mono.error(notMember);
            }
            return database.isRoomForgotten(user.localpart(), room.value())
                    .flatMap(forgotten -> forgotten
                            ? Mono.error(notMember)
                            : Mono.just(Optional.of(membership.get().eventId())));
        });
    }

    /**
     * {@code GET /rooms/{roomId}/timestamp_to_event?ts=&dir=}: the room's event closest to {@code ts} in direction
     * {@code dir} ({@code f}: the first at or after it, {@code b}: the last at or before it), for a member or anyone in a
     * {@code world_readable} room (403 {@code M_FORBIDDEN} otherwise, as Synapse checks); 404 {@code M_NOT_FOUND}
     * when there is none. {@code ts} and {@code dir} are required (400 {@code M_MISSING_PARAM}) and must be an integer
     * and {@code f} or {@code b} (400 {@code M_INVALID_PARAM}). NOTSPEC: only the events held here are searched; Synapse
     * also asks other servers in the room when the answer is at the edge of what it holds.
     */
    public Mono<Map<String, Object>> timestampToEvent(
            AuthenticatedDevice device, String roomId, Optional<String> ts, Optional<String> dir) {
        RoomId room = roomId(roomId);
        long timestamp;
        try {
            timestamp = Long.parseLong(
                    ts.orElseThrow(() -> new MatrixException(ErrorCode.MISSING_PARAM, "ts is required")));
        } catch (NumberFormatException e) {
            throw new MatrixException(ErrorCode.INVALID_PARAM, "ts must be an integer");
        }
        boolean forwards =
                switch (dir.orElseThrow(() -> new MatrixException(ErrorCode.MISSING_PARAM, "dir is required"))) {
                    case "f" -> true;
                    case "b" -> false;
                    default -> throw new MatrixException(ErrorCode.INVALID_PARAM, "dir must be f or b");
                };
        return requireMemberOrWorldReadable(device.userId(), room)
                .then(roomserver.get().queryEventAtTimestamp(room, timestamp, forwards))
                .map(found -> {
                    StoredEvent event = found.orElseThrow(() -> new MatrixException(
                            ErrorCode.NOT_FOUND,
                            "Unable to find an event from " + timestamp + " in direction " + dir.get()));
                    return Map.<String, Object>of(
                            "event_id", event.eventId().value(), "origin_server_ts", event.originServerTs());
                });
    }

    private Mono<Void> requireMemberOrWorldReadable(UserId user, RoomId room) {
        return roomserver.get().queryMembership(room, user).flatMap(membership -> {
            if (membership.filter(m -> m.membership().equals("join")).isPresent()) {
                return Mono.empty();
            }
            return roomserver
                    .get()
                    .queryCurrentStateEvent(room, "m.room.history_visibility", "")
                    .flatMap(visibility -> visibility
                                    .flatMap(event -> event.content().getString("history_visibility"))
                                    .filter("world_readable"::equals)
                                    .isPresent()
                            ? Mono.<Void>empty()
                            : Mono.error(
                                    new MatrixException(ErrorCode.FORBIDDEN, "You are not a member of this room")));
        });
    }

    /** {@code GET /joined_rooms}. */
    public Mono<Map<String, Object>> joinedRooms(AuthenticatedDevice device) {
        return roomserver
                .get()
                .queryJoinedRooms(device.userId())
                .map(rooms ->
                        Map.of("joined_rooms", rooms.stream().map(RoomId::value).toList()));
    }

    /**
     * {@code POST /rooms/{roomId}/join} and {@code POST /join/{roomIdOrAlias}}. For a room this server holds: the
     * member event carries the user's profile ({@link MemberProfiles}); a restricted room's join is authorised by a
     * local member ({@link RestrictedJoins}). For a room it does not hold: through the federation-api, via the
     * {@code via}/{@code server_name} servers and the room ID's own server.
     *
     * @param via the servers the client named, in its order
     */
    public Mono<Map<String, String>> join(
            AuthenticatedDevice device, String roomIdOrAlias, JsonObject body, List<ServerName> via) {
        return target(roomIdOrAlias, via)
                .flatMap(target -> (target.held()
                                ? localJoin(device, target.room(), body)
                                : remoteJoin(device, target.room(), body, target.servers()))
                        .then(database.unforgetRoom(
                                device.userId().localpart(), target.room().value()))
                        .thenReturn(Map.of("room_id", target.room().value())));
    }

    /** Where a join or knock goes: the room, whether this server holds it, and else the servers to ask, in order. */
    private record Target(RoomId room, boolean held, List<ServerName> servers) {}

    /**
     * The room a join or knock names: another server's alias is asked of that server (its answer's servers after
     * {@code via}); then {@code via} and the room ID's own server, for a room this server does not hold.
     */
    private Mono<Target> target(String roomIdOrAlias, List<ServerName> via) {
        RemoteRoomsApi remote = remoteRooms.get();
        RoomAliasId remoteAlias = remoteAlias(roomIdOrAlias);
        Mono<Map.Entry<RoomId, List<ServerName>>> resolved = remoteAlias != null && remote != null
                ? remote.queryRemoteAlias(remoteAlias).map(found -> {
                    List<ServerName> servers = new ArrayList<>(via);
                    servers.addAll(found.servers());
                    return Map.entry(found.roomId(), servers);
                })
                : resolve(roomIdOrAlias).map(room -> Map.entry(room, via));
        return resolved.flatMap(entry -> roomserver
                .get()
                .queryRoomVersion(entry.getKey())
                .map(version -> {
                    List<ServerName> servers = new ArrayList<>(entry.getValue());
                    entry.getKey().serverName().ifPresent(servers::add);
                    return new Target(entry.getKey(), version.isPresent(), servers);
                }));
    }

    private Mono<EventId> localJoin(AuthenticatedDevice device, RoomId room, JsonObject body) {
        return events.rules(room)
                .flatMap(rules -> profiles.withProfile(device.userId(), joinContent(body))
                        .flatMap(content -> restrictedJoins.authorise(room, rules, device.userId(), content))
                        .flatMap(content -> sendOwnMembership(device, room, rules, content)));
    }

    private Mono<EventId> remoteJoin(
            AuthenticatedDevice device, RoomId room, JsonObject body, List<ServerName> servers) {
        RemoteRoomsApi remote = remoteRooms.get();
        if (remote == null) {
            return Mono.error(new MatrixException(
                    ErrorCode.NOT_FOUND, "Unknown room; this server has no federation to join it through"));
        }
        return profiles.withProfile(device.userId(), joinContent(body))
                .flatMap(content -> remote.joinRemoteRoom(room, device.userId(), servers, content));
    }

    /** The user's own {@code m.room.member} event with this content. */
    private Mono<EventId> sendOwnMembership(
            AuthenticatedDevice device, RoomId room, RoomVersionRules rules, JsonObject content) {
        return events.send(
                room, rules, device.userId(), "m.room.member", device.userId().value(), content, null, null);
    }

    /**
     * {@code POST /knock/{roomIdOrAlias}}: a request to join a room whose join rule is {@code knock} (or
     * {@code knock_restricted}), carrying the user's profile and {@code reason}; the auth rules refuse it (403
     * {@code M_FORBIDDEN}) in a room version without knocking, under another join rule, or for a member or a banned
     * user. A room of other servers is knocked on through them ({@code via}, the alias's servers, the room ID's
     * server), as a join is.
     */
    public Mono<Map<String, String>> knock(
            AuthenticatedDevice device, String roomIdOrAlias, JsonObject body, List<ServerName> via) {
        return target(roomIdOrAlias, via)
                .flatMap(target -> (target.held()
                                ? events.rules(target.room())
                                        .flatMap(rules -> profiles.withProfile(
                                                        device.userId(), membership("knock", body))
                                                .flatMap(content ->
                                                        sendOwnMembership(device, target.room(), rules, content)))
                                        .then()
                                : remoteKnock(device, target.room(), body, target.servers()))
                        .thenReturn(Map.of("room_id", target.room().value())));
    }

    private Mono<Void> remoteKnock(AuthenticatedDevice device, RoomId room, JsonObject body, List<ServerName> servers) {
        RemoteRoomsApi remote = remoteRooms.get();
        if (remote == null) {
            return Mono.error(new MatrixException(
                    ErrorCode.NOT_FOUND, "Unknown room; this server has no federation to knock through"));
        }
        return profiles.withProfile(device.userId(), membership("knock", body))
                .flatMap(content -> remote.knockRemoteRoom(room, device.userId(), servers, content));
    }

    /**
     * {@code POST /rooms/{roomId}/forget}: only after leaving (joined or invited → 400 {@code M_UNKNOWN}, as
     * Synapse answers); a room the user was never in is forgotten too. The syncapi reads the flag through
     * {@code UserApi.queryForgottenRooms}.
     */
    public Mono<Map<String, Object>> forget(AuthenticatedDevice device, String roomId) {
        RoomId room = roomId(roomId);
        return roomserver.get().queryMembership(room, device.userId()).flatMap(membership -> {
            String current = membership.map(RoomMembership::membership).orElse("leave");
            if (current.equals("join") || current.equals("invite")) {
                return Mono.error(
                        new MatrixException(ErrorCode.UNKNOWN, "You must leave the room first").withHttpStatus(400));
            }
            return database.forgetRoom(device.userId().localpart(), room.value(), System.currentTimeMillis())
                    .thenReturn(Map.<String, Object>of());
        });
    }

    /**
     * {@code POST /rooms/{roomId}/leave}. In a room this server does not hold (an invite from another server being
     * rejected), through the federation-api: {@code make_leave}/{@code send_leave} on the inviter's server.
     */
    public Mono<Map<String, Object>> leave(AuthenticatedDevice device, String roomId, JsonObject body) {
        RoomId room = roomId(roomId);
        RemoteRoomsApi remote = remoteRooms.get();
        return roomserver
                .get()
                .queryRoomVersion(room)
                .flatMap(held -> held.isPresent() || remote == null
                        ? changeMembership(device, roomId, device.userId().value(), MembershipAction.LEAVE, body)
                        : remote.leaveRemoteRoom(
                                        room,
                                        device.userId(),
                                        room.serverName().stream().toList())
                                .thenReturn(Map.<String, Object>of()));
    }

    /**
     * The membership endpoints that change another user's membership, with what the target's current membership must
     * be. The auth rules would allow more (a kick of someone who already left is a valid leave event); like Synapse,
     * those requests are refused with 403 before anything is sent.
     */
    public enum MembershipAction {
        LEAVE("leave", null, null),
        INVITE("invite", null, null),
        /** Synapse: "The target user is not in the room" unless joined, invited or knocking. */
        KICK("leave", Set.of("join", "invite", "knock"), "The target user is not in the room"),
        BAN("ban", null, null),
        UNBAN("leave", Set.of("ban"), "The user is not banned");

        private final String membership;
        private final Set<String> requiredCurrent;
        private final String refusal;

        MembershipAction(String membership, Set<String> requiredCurrent, String refusal) {
            this.membership = membership;
            this.requiredCurrent = requiredCurrent;
            this.refusal = refusal;
        }
    }

    /** {@code /leave}, {@code /invite}, {@code /kick}, {@code /ban}, {@code /unban}: a membership change of a user. */
    public Mono<Map<String, Object>> changeMembership(
            AuthenticatedDevice device, String roomId, String target, MembershipAction action, JsonObject body) {
        RoomId room = roomId(roomId);
        UserId targetUser = userIdParam(target);
        Mono<Void> precondition = action.requiredCurrent == null
                ? Mono.empty()
                : roomserver.get().queryMembership(room, targetUser).flatMap(current -> {
                    if (current.map(RoomMembership::membership)
                            .filter(action.requiredCurrent::contains)
                            .isEmpty()) {
                        return Mono.error(new MatrixException(ErrorCode.FORBIDDEN, action.refusal));
                    }
                    return Mono.empty();
                });
        return events.rules(room)
                .flatMap(rules -> precondition.then(events.send(
                        room,
                        rules,
                        device.userId(),
                        "m.room.member",
                        targetUser.value(),
                        membership(action.membership, body),
                        null,
                        null)))
                .thenReturn(Map.of());
    }

    /** The target of {@code /invite}, {@code /kick}, {@code /ban}, {@code /unban}. */
    public static String target(JsonObject body) {
        return RoomCreation.string(body, "user_id")
                .orElseThrow(() -> new MatrixException(ErrorCode.MISSING_PARAM, "user_id is required"));
    }

    /** The alias, when {@code roomIdOrAlias} is a well-formed alias of another server; else null. */
    private RoomAliasId remoteAlias(String roomIdOrAlias) {
        if (!roomIdOrAlias.startsWith("#")) {
            return null;
        }
        try {
            RoomAliasId alias = RoomAliasId.parse(roomIdOrAlias);
            return alias.serverName().equals(events.serverName()) ? null : alias;
        } catch (InvalidIdException e) {
            return null;
        }
    }

    private Mono<RoomId> resolve(String roomIdOrAlias) {
        if (roomIdOrAlias.startsWith("#")) {
            RoomAliasId alias;
            try {
                alias = RoomAliasId.parse(roomIdOrAlias);
            } catch (InvalidIdException e) {
                return Mono.error(new MatrixException(ErrorCode.INVALID_PARAM, "Invalid room alias"));
            }
            return database.roomOfAlias(alias.value())
                    .map(RoomId::parse)
                    .switchIfEmpty(Mono.error(() -> new MatrixException(
                            ErrorCode.NOT_FOUND,
                            "Room alias not found"
                                    + (alias.serverName().equals(events.serverName())
                                            ? ""
                                            : "; aliases on other servers are not supported yet"))));
        }
        return Mono.fromCallable(() -> roomId(roomIdOrAlias));
    }

    /**
     * A join's content: the request body's keys (a {@code reason}, a per-room {@code displayname}, anything else), as
     * Synapse keeps them for {@code POST /join/{roomIdOrAlias}}, with {@code membership} set by the server. Dropped:
     * {@code join_authorised_via_users_server}, which only the resident server may choose (Synapse strips it too),
     * and {@code third_party_signed}, a request parameter rather than content. NOTSPEC: {@code POST
     * /rooms/{roomId}/join} keeps them too, where Synapse keeps only {@code reason}, so both endpoints make the same
     * event.
     */
    private static JsonObject joinContent(JsonObject body) {
        RoomCreation.string(body, "reason");
        return body.without("join_authorised_via_users_server")
                .without("third_party_signed")
                .with("membership", JsonString.of("join"));
    }

    private static JsonObject membership(String membership, JsonObject body) {
        JsonObjectBuilder content = new JsonObjectBuilder().put("membership", membership);
        RoomCreation.string(body, "reason").ifPresent(reason -> content.put("reason", reason));
        return content.build();
    }

    private static Map<String, String> eventIdAnswer(EventId id) {
        return Map.of("event_id", id.value());
    }

    static RoomId roomId(String value) {
        try {
            return RoomId.parse(value);
        } catch (InvalidIdException e) {
            throw new MatrixException(ErrorCode.INVALID_PARAM, "Invalid room ID");
        }
    }

    private static EventId eventId(String value) {
        try {
            return EventId.parse(value);
        } catch (InvalidIdException e) {
            throw new MatrixException(ErrorCode.NOT_FOUND, "Invalid event ID");
        }
    }

    private static UserId userIdParam(String value) {
        return RoomCreation.userId(value);
    }
}
