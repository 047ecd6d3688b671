package dev.lattice.clientapi.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import dev.lattice.api.federationapi.RemoteRoomsApi;
import dev.lattice.api.roomserver.ClientRoomserverApi;
import dev.lattice.api.roomserver.InputRoomEvent;
import dev.lattice.api.roomserver.RoomMembership;
import dev.lattice.api.roomserver.SendTransaction;
import dev.lattice.api.roomserver.StoredEvent;
import dev.lattice.protocol.auth.AuthEventTypes;
import dev.lattice.protocol.auth.AuthEventsSelection;
import dev.lattice.protocol.auth.RedactionAuthority;
import dev.lattice.protocol.auth.StateLookup;
import dev.lattice.protocol.crypto.SigningKey;
import dev.lattice.protocol.event.EventBuilder;
import dev.lattice.protocol.event.Pdu;
import dev.lattice.protocol.event.PduException;
import dev.lattice.protocol.event.RoomEvent;
import dev.lattice.protocol.id.EventId;
import dev.lattice.protocol.id.IdValidation;
import dev.lattice.protocol.id.RoomId;
import dev.lattice.protocol.id.ServerName;
import dev.lattice.protocol.id.UserId;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.spec.ErrorCode;
import dev.lattice.protocol.spec.MatrixException;
import dev.lattice.protocol.version.RoomVersionRules;
import dev.lattice.protocol.version.RoomVersions;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;

/**
 * Builds, signs and submits a local user's event: prev events, depth and auth state from
 * {@code queryLatestEvents}, {@link EventBuilder} for the room's version, the server's key, then
 * {@code inputRoomEvent}. A rejection becomes the verdict's errcode (usually 403 {@code M_FORBIDDEN}).
 */
public final class RoomEvents {
    private final Supplier<ClientRoomserverApi> roomserver;
    private final Supplier<RemoteRoomsApi> remoteRooms;
    private final ServerName serverName;
    private final SigningKey signingKey;
    private final Clock clock;
    private final RoomTurns turns = new RoomTurns();

    /**
     * @param remoteRooms the federation-api's, answering null where this process has none (then users of other
     *     servers cannot be invited)
     */
    public RoomEvents(
            Supplier<ClientRoomserverApi> roomserver,
            Supplier<RemoteRoomsApi> remoteRooms,
            ServerName serverName,
            SigningKey signingKey,
            Clock clock) {
        this.roomserver = requireNonNull(roomserver, "roomserver is null");
        this.remoteRooms = requireNonNull(remoteRooms, "remoteRooms is null");
        this.serverName = requireNonNull(serverName, "serverName is null");
        this.signingKey = requireNonNull(signingKey, "signingKey is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** The roomserver, resolved on use; only this class's operations reach it through here. */
    private ClientRoomserverApi roomserver() {
        return roomserver.get();
    }

    public ServerName serverName() {
        return serverName;
    }

    /** The rules of a known local room, or 404 {@code M_NOT_FOUND}. */
    public Mono<RoomVersionRules> rules(RoomId roomId) {
        return roomserver()
                .queryRoomVersion(roomId)
                .map(version -> version.flatMap(RoomVersions::rules)
                        .orElseThrow(() -> new MatrixException(ErrorCode.NOT_FOUND, "Unknown room")));
    }

    /** Fails with 403 unless {@code user} is joined to {@code room} (for the room's aliases and directory entry). */
    public Mono<Void> requireJoined(RoomId room, UserId user) {
        return roomserver().queryMembership(room, user).flatMap(membership -> {
            if (membership
                    .map(RoomMembership::membership)
                    .filter("join"::equals)
                    .isEmpty()) {
                return Mono.error(new MatrixException(ErrorCode.FORBIDDEN, "You are not joined to this room"));
            }
            return Mono.empty();
        });
    }

    /**
     * Refuses a local user's redaction the room would accept but never apply, as Synapse does before sending: without
     * the redact power level, a user may redact only their own events, so the target must be known (404
     * {@code M_NOT_FOUND}) and theirs (403 {@code M_FORBIDDEN}). With the power level, any event ID goes, known or
     * not (the spec lets a redaction arrive before its target).
     */
    public Mono<Void> checkMayRedact(RoomId roomId, RoomVersionRules rules, UserId sender, EventId target) {
        ClientRoomserverApi api = roomserver();
        return Mono.zip(
                        api.queryCurrentStateEvent(roomId, AuthEventTypes.CREATE, ""),
                        api.queryCurrentStateEvent(roomId, AuthEventTypes.POWER_LEVELS, ""))
                .flatMap(current -> {
                    StateLookup state = (type, stateKey) -> (type.equals(AuthEventTypes.CREATE)
                                    ? current.getT1()
                                    : type.equals(AuthEventTypes.POWER_LEVELS)
                                            ? current.getT2()
                                            : Optional.<StoredEvent>empty())
                            .filter(event -> stateKey.isEmpty())
                            .map(event -> parse(rules, event));
                    if (RedactionAuthority.hasRedactLevel(rules.authorization(), state, sender.value())) {
                        return Mono.empty();
                    }
                    return api.queryEvent(target).flatMap(original -> {
                        Optional<StoredEvent> inRoom =
                                original.filter(event -> event.roomId().equals(roomId));
                        if (inRoom.isEmpty()) {
                            return Mono.error(new MatrixException(ErrorCode.NOT_FOUND, "Could not find event"));
                        }
                        if (!parse(rules, inRoom.get()).sender().equals(sender.value())) {
                            return Mono.error(new MatrixException(
                                    ErrorCode.FORBIDDEN, "You don't have permission to redact events"));
                        }
                        return Mono.empty();
                    });
                });
    }

    /** A stored event as the room version reads it. */
    static RoomEvent parse(RoomVersionRules rules, StoredEvent event) {
        return Pdu.parseBackfilled(rules, event.pdu().getBytes(UTF_8));
    }

    /**
     * Checks the spec's size limits on a new event's type, state key and content before anything is built. Over a
     * limit is 413 {@code M_TOO_LARGE}: NOTSPEC, the spec names the limits but no status; Synapse answers this
     * ({@code EventSizeError}) for the type and state key as for the whole event. Lengths are UTF-8 bytes.
     */
    public static void checkLimits(String type, String stateKey, JsonObject content) {
        if (IdValidation.utf8Length(type) > Pdu.MAX_TYPE_BYTES) {
            throw new MatrixException(ErrorCode.TOO_LARGE, "Event type is longer than 255 bytes");
        }
        if (stateKey != null && IdValidation.utf8Length(stateKey) > Pdu.MAX_TYPE_BYTES) {
            throw new MatrixException(ErrorCode.TOO_LARGE, "State key is longer than 255 bytes");
        }
        if (CanonicalJson.encode(content).length > Pdu.MAX_BYTES) {
            throw new MatrixException(ErrorCode.TOO_LARGE, "Event is larger than 65536 bytes");
        }
    }

    /**
     * Signs a built event. The event format's own checks apply to the signed PDU: over 65,536 bytes with its
     * hashes and signatures is 413 {@code M_TOO_LARGE} (the content alone may be under the limit and the PDU over
     * it), anything else the format refuses is 400 {@code M_BAD_JSON}.
     */
    public Pdu sign(EventBuilder builder) {
        try {
            return builder.sign(serverName, signingKey);
        } catch (PduException e) {
            throw new MatrixException(
                    switch (e.reason()) {
                        case TOO_LARGE, TYPE_TOO_LONG, STATE_KEY_TOO_LONG -> ErrorCode.TOO_LARGE;
                        case NOT_JSON,
                                NOT_AN_OBJECT,
                                MISSING_FIELD,
                                WRONG_TYPE,
                                UNEXPECTED_FIELD,
                                INVALID_ID,
                                TOO_MANY_PREV_EVENTS,
                                TOO_MANY_AUTH_EVENTS,
                                DEPTH_OUT_OF_RANGE -> ErrorCode.BAD_JSON;
                    },
                    "Invalid event: " + e.getMessage());
        }
    }

    /** Submits the create event of a new room, already built; returns its event ID. */
    public Mono<EventId> submitBuilt(Pdu pdu, RoomId roomId, RoomVersionRules rules) {
        return submit(pdu, roomId, rules, null);
    }

    /**
     * Builds an event on the room's forward extremities, signs and submits it; a state event that would repeat the
     * current one answers that one's ID instead ({@link #isSameEvent}). Sends into one room take turns
     * ({@link RoomTurns}): each is built after the previous one's verdict, on the event it added.
     *
     * @param stateKey {@code null} for a message event
     * @param redacts the redacted event for {@code m.room.redaction}, else {@code null}
     * @param transaction the client's txnId, or {@code null}
     */
    public Mono<EventId> send(
            RoomId roomId,
            RoomVersionRules rules,
            UserId sender,
            String type,
            String stateKey,
            JsonObject content,
            EventId redacts,
            SendTransaction transaction) {
        checkLimits(type, stateKey, content);
        var keys = AuthEventsSelection.forEvent(rules, type, Optional.ofNullable(stateKey), sender.value(), content);
        Mono<EventId> build = Mono.defer(() -> roomserver()
                .queryLatestEvents(roomId, keys)
                .map(latest -> latest.orElseThrow(() -> new MatrixException(ErrorCode.NOT_FOUND, "Unknown room")))
                .flatMap(latest -> {
                    EventBuilder builder = EventBuilder.forVersion(rules)
                            .type(type)
                            .sender(sender)
                            .roomId(roomId)
                            .content(content)
                            .prevEvents(latest.prevEvents())
                            .authEvents(latest.authEvents())
                            .depth(latest.depth())
                            .originServerTs(clock.millis());
                    if (stateKey != null) {
                        builder.stateKey(stateKey);
                    }
                    if (redacts != null) {
                        builder.redacts(redacts);
                    }
                    return countersigned(sign(builder), roomId, rules)
                            .flatMap(pdu -> submit(pdu, roomId, rules, transaction));
                }));
        if (stateKey == null) {
            return turns.inTurn(roomId.value(), build);
        }
        Mono<EventId> send = Mono.defer(() -> roomserver()
                .queryCurrentStateEvent(roomId, type, stateKey)
                .flatMap(current -> current.filter(event -> isSameEvent(event, sender, content))
                        .map(event -> Mono.just(event.eventId()))
                        .orElse(build)));
        // An invite of another server's user waits for that server's countersignature, which may take as long as
        // its timeout: the room's other sends do not wait for it (at worst the two fork the history).
        return isRemoteInvite(type, stateKey, content) ? send : turns.inTurn(roomId.value(), send);
    }

    /**
     * Whether a state event would only repeat the current one: the same sender and the same content (canonical JSON).
     * Synapse answers such a request with the existing event instead of sending a new one
     * ({@code deduplicate_state_event}; for memberships, {@code update_membership}'s "duplicate event"), so a client
     * that repeats a join or a state change does not grow the room.
     */
    private static boolean isSameEvent(StoredEvent current, UserId sender, JsonObject content) {
        JsonObject pdu = CanonicalJson.parseObject(current.pdu());
        return pdu.getString("sender").filter(sender.value()::equals).isPresent()
                && Arrays.equals(
                        CanonicalJson.encode(pdu.getObject("content").orElse(JsonObject.EMPTY)),
                        CanonicalJson.encode(content));
    }

    /**
     * An invite of a user of another server goes to that server first, which countersigns it
     * (<a href="https://spec.matrix.org/v1.19/server-server-api/#inviting-to-a-room">spec</a>); any other event is
     * submitted as built.
     */
    private Mono<Pdu> countersigned(Pdu pdu, RoomId roomId, RoomVersionRules rules) {
        if (!isRemoteInvite(pdu.type(), pdu.stateKey().orElse(null), pdu.content())) {
            return Mono.just(pdu);
        }
        RemoteRoomsApi remote = remoteRooms.get();
        if (remote == null) {
            return Mono.error(new MatrixException(
                    ErrorCode.FORBIDDEN, "Users of other servers cannot be invited: this server has no federation"));
        }
        return remote.inviteRemoteUser(roomId, rules.id(), new String(pdu.bytes(), StandardCharsets.UTF_8))
                .map(signed -> Pdu.parse(rules, signed.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * Whether the event invites a user of another server ({@code stateKey} null for a message event). A state key
     * that is no user ID is no remote invite: the auth rules refuse that event.
     */
    private boolean isRemoteInvite(String type, String stateKey, JsonObject content) {
        if (!type.equals("m.room.member")
                || stateKey == null
                || content.getString("membership").filter("invite"::equals).isEmpty()) {
            return false;
        }
        return UserId.tryParse(stateKey)
                .filter(invitee -> !invitee.serverName().equals(serverName))
                .isPresent();
    }

    private Mono<EventId> submit(Pdu pdu, RoomId roomId, RoomVersionRules rules, SendTransaction transaction) {
        return roomserver()
                .inputRoomEvent(InputRoomEvent.newEvent(
                        roomId, rules.id(), new String(pdu.bytes(), StandardCharsets.UTF_8), serverName, transaction))
                .map(verdict -> verdict.eventIdOrThrow());
    }

    /** The build-time clock, for create events. */
    public long now() {
        return clock.millis();
    }

    public SigningKey signingKey() {
        return signingKey;
    }
}
