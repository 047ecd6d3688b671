package dev.lattice.clientapi.internal;

import static java.util.Objects.requireNonNull;

import dev.lattice.api.clientapi.AuthenticatedDevice;
import dev.lattice.api.roomserver.RoomMembership;
import dev.lattice.api.roomserver.SendTransaction;
import dev.lattice.clientapi.storage.ClientApiDatabase;
import dev.lattice.protocol.event.ClientEventFormat.Unsigned;
import dev.lattice.protocol.id.EventId;
import dev.lattice.protocol.id.InvalidIdException;
import dev.lattice.protocol.id.RoomAliasId;
import dev.lattice.protocol.id.RoomId;
import dev.lattice.protocol.id.UserId;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.json.CanonicalJsonValue;
import dev.lattice.protocol.json.JsonArray;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.json.JsonObjectBuilder;
import dev.lattice.protocol.spec.ErrorCode;
import dev.lattice.protocol.spec.MatrixException;
import java.util.Map;
import java.util.function.Function;
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
    private final ClientApiDatabase database;

    public Rooms(RoomEvents events, ClientApiDatabase database) {
        this.events = requireNonNull(events, "events is null");
        this.database = requireNonNull(database, "database is null");
    }

    /** {@code PUT /rooms/{roomId}/send/{eventType}/{txnId}}: the same txnId from the same device is one event. */
    public Mono<Map<String, String>> send(
            AuthenticatedDevice device, String roomId, String type, String txnId, JsonObject content) {
        RoomId room = roomId(roomId);
        return once(
                device,
                txnId,
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
                device,
                txnId,
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
     * Sends at most once per (user, device, txnId): an earlier event's ID if the roomserver has one, else
     * {@code send} with the transaction, which the roomserver dedupes again under a race.
     */
    private Mono<Map<String, String>> once(
            AuthenticatedDevice device, String txnId, Function<SendTransaction, Mono<EventId>> send) {
        if (!OPAQUE_ID.matcher(txnId).matches()) {
            return Mono.error(new MatrixException(ErrorCode.INVALID_PARAM, "Invalid transaction ID"));
        }
        SendTransaction transaction = new SendTransaction(device.userId(), device.deviceId(), txnId);
        return events.roomserver()
                .querySentTransaction(transaction)
                .flatMap(existing -> existing.map(Mono::just).orElseGet(() -> send.apply(transaction)))
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
        return events.rules(room)
                .flatMap(rules -> events.send(room, rules, device.userId(), type, stateKey, content, null, null))
                .map(Rooms::eventIdAnswer);
    }

    /** {@code GET /rooms/{roomId}/state}: the current state, for a joined member. */
    public Mono<String> state(AuthenticatedDevice device, String roomId) {
        RoomId room = roomId(roomId);
        return events.requireJoined(room, device.userId())
                .then(events.roomserver().queryCurrentState(room))
                .map(state -> {
                    java.util.List<CanonicalJsonValue> out = state.stream()
                            .<CanonicalJsonValue>map(event -> event.toClient(Unsigned.NONE))
                            .toList();
                    return CanonicalJson.encodeToString(new JsonArray(out));
                });
    }

    /** {@code GET /rooms/{roomId}/state/{eventType}/{stateKey}}: the content, or 404. */
    public Mono<String> stateEvent(AuthenticatedDevice device, String roomId, String type, String stateKey) {
        RoomId room = roomId(roomId);
        return events.requireJoined(room, device.userId())
                .then(events.roomserver().queryCurrentStateEvent(room, type, stateKey))
                .map(event -> event.orElseThrow(() -> new MatrixException(ErrorCode.NOT_FOUND, "No such state event")))
                .map(event -> CanonicalJson.encodeToString(event.content()));
    }

    /** {@code GET /joined_rooms}. */
    public Mono<Map<String, Object>> joinedRooms(AuthenticatedDevice device) {
        return events.roomserver()
                .queryJoinedRooms(device.userId())
                .map(rooms ->
                        Map.of("joined_rooms", rooms.stream().map(RoomId::value).toList()));
    }

    /** {@code POST /rooms/{roomId}/join} and {@code POST /join/{roomIdOrAlias}} for local rooms. */
    public Mono<Map<String, String>> join(AuthenticatedDevice device, String roomIdOrAlias, JsonObject body) {
        return resolve(roomIdOrAlias)
                .flatMap(room -> events.rules(room)
                        .onErrorMap(
                                MatrixException.class,
                                e -> new MatrixException(
                                        ErrorCode.NOT_FOUND,
                                        "Unknown room; joining rooms on other servers is not supported yet"))
                        .flatMap(rules -> events.send(
                                room,
                                rules,
                                device.userId(),
                                "m.room.member",
                                device.userId().value(),
                                membership("join", body),
                                null,
                                null))
                        .then(database.unforgetRoom(device.userId().localpart(), room.value()))
                        .thenReturn(Map.of("room_id", room.value())));
    }

    /**
     * {@code POST /rooms/{roomId}/forget}: only after leaving (joined or invited → 400 {@code M_UNKNOWN}, as
     * Synapse answers); a room the user was never in is forgotten too. The syncapi reads the flag through
     * {@code UserApi.queryForgottenRooms}.
     */
    public Mono<Map<String, Object>> forget(AuthenticatedDevice device, String roomId) {
        RoomId room = roomId(roomId);
        return events.roomserver().queryMembership(room, device.userId()).flatMap(membership -> {
            String current = membership.map(RoomMembership::membership).orElse("leave");
            if (current.equals("join") || current.equals("invite")) {
                return Mono.error(
                        new MatrixException(ErrorCode.UNKNOWN, "You must leave the room first").withHttpStatus(400));
            }
            return database.forgetRoom(device.userId().localpart(), room.value(), System.currentTimeMillis())
                    .thenReturn(Map.<String, Object>of());
        });
    }

    /** {@code POST /rooms/{roomId}/leave}. */
    public Mono<Map<String, Object>> leave(AuthenticatedDevice device, String roomId, JsonObject body) {
        return changeMembership(device, roomId, device.userId().value(), "leave", body, null);
    }

    /**
     * {@code /invite}, {@code /kick}, {@code /ban}, {@code /unban}: a membership change of {@code user_id}.
     *
     * @param requiredCurrent the target's membership the change requires (unban: {@code ban}), or {@code null}
     */
    public Mono<Map<String, Object>> changeMembership(
            AuthenticatedDevice device,
            String roomId,
            String target,
            String membership,
            JsonObject body,
            String requiredCurrent) {
        RoomId room = roomId(roomId);
        UserId targetUser = userIdParam(target);
        Mono<Void> precondition = requiredCurrent == null
                ? Mono.empty()
                : events.roomserver().queryMembership(room, targetUser).flatMap(current -> {
                    if (current.map(RoomMembership::membership)
                            .filter(requiredCurrent::equals)
                            .isEmpty()) {
                        return Mono.error(new MatrixException(
                                ErrorCode.FORBIDDEN, "The user's membership is not " + requiredCurrent));
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
                        membership(membership, body),
                        null,
                        null)))
                .thenReturn(Map.of());
    }

    /** The target of {@code /invite}, {@code /kick}, {@code /ban}, {@code /unban}. */
    public static String target(JsonObject body) {
        return RoomCreation.string(body, "user_id")
                .orElseThrow(() -> new MatrixException(ErrorCode.MISSING_PARAM, "user_id is required"));
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
