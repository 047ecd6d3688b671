package dev.lattice.federationapi.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import dev.lattice.api.clientapi.UserApi;
import dev.lattice.api.roomserver.InputRoomEvent;
import dev.lattice.api.roomserver.RoomserverInputApi;
import dev.lattice.api.roomserver.RoomserverQueryApi;
import dev.lattice.protocol.crypto.SigningKey;
import dev.lattice.protocol.event.EventSigning;
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
import java.util.function.Supplier;
import reactor.core.publisher.Mono;

/**
 * Being invited from another server ({@code PUT /_matrix/federation/v2/invite/{roomId}/{eventId}},
 * <a href="https://spec.matrix.org/v1.19/server-server-api/#put_matrixfederationv2inviteroomideventid">spec</a>):
 * the invite of one of our users, signed by the inviting server, is countersigned and kept, with the stripped state
 * the inviter sent in its {@code unsigned.invite_room_state}, so the user's client shows the room.
 */
public final class InboundInvites {
    private final ServerName us;
    private final SigningKey signingKey;
    private final ReceivedPdus received;
    private final Supplier<RoomserverInputApi> input;
    private final Supplier<RoomserverQueryApi> query;
    private final Supplier<UserApi> users;

    public InboundInvites(
            ServerName us,
            SigningKey signingKey,
            ReceivedPdus received,
            Supplier<RoomserverInputApi> input,
            Supplier<RoomserverQueryApi> query,
            Supplier<UserApi> users) {
        this.us = requireNonNull(us, "us is null");
        this.signingKey = requireNonNull(signingKey, "signingKey is null");
        this.received = requireNonNull(received, "received is null");
        this.input = requireNonNull(input, "input is null");
        this.query = requireNonNull(query, "query is null");
        this.users = requireNonNull(users, "users is null");
    }

    /** The countersigned invite, as {@code {"event": ...}}. */
    public Mono<JsonObject> invite(ServerName origin, RoomId roomId, EventId eventId, JsonObject body) {
        String version = body.getString("room_version").orElse("1");
        RoomVersionRules rules = RoomVersions.rules(version)
                .orElseThrow(() -> new MatrixException(
                                ErrorCode.INCOMPATIBLE_ROOM_VERSION, "Room version " + version + " is not supported")
                        .withField("room_version", JsonString.of(version)));
        JsonObject event = body.getObject("event")
                .orElseThrow(() -> new MatrixException(ErrorCode.BAD_JSON, "The invite event is missing"));
        return received.check(rules, event)
                .onErrorMap(
                        ReceivedPdus.RejectedPdu.class, e -> new MatrixException(ErrorCode.BAD_JSON, e.getMessage()))
                .flatMap(invite -> {
                    UserId invitee = requireInviteOf(invite, origin, roomId, eventId);
                    return users.get().queryProfile(invitee).flatMap(profile -> {
                        if (profile.isEmpty()) {
                            return Mono.error(new MatrixException(ErrorCode.NOT_FOUND, "Unknown user " + invitee));
                        }
                        JsonObject countersigned = EventSigning.sign(rules, invite.json(), us.value(), signingKey);
                        JsonArray strippedState =
                                body.getArray("invite_room_state").orElse(JsonArray.EMPTY);
                        JsonObject unsigned = countersigned
                                .getObject("unsigned")
                                .orElse(JsonObject.EMPTY)
                                .with("invite_room_state", strippedState);
                        String kept = new String(
                                Pdu.of(rules, countersigned.with("unsigned", unsigned))
                                        .bytes(),
                                UTF_8);
                        return keep(roomId, rules, kept, origin)
                                .thenReturn(new JsonObjectBuilder()
                                        .put("event", countersigned)
                                        .build());
                    });
                });
    }

    /**
     * Kept as an outside membership when the room is not held here; a room held here gets the invite as its event
     * (for a room this server left, which no one sends events to anymore).
     */
    private Mono<Void> keep(RoomId roomId, RoomVersionRules rules, String invite, ServerName origin) {
        return query.get()
                .queryRoomVersion(roomId)
                .flatMap(held -> held.isPresent()
                        ? input.get()
                                .inputRoomEvent(InputRoomEvent.received(roomId, rules.id(), invite, origin))
                                .then()
                        : input.get()
                                .inputRoomEvent(InputRoomEvent.outsideMembership(roomId, rules.id(), invite, origin))
                                .doOnNext(verdict -> verdict.eventIdOrThrow())
                                .then());
    }

    private UserId requireInviteOf(Pdu invite, ServerName origin, RoomId roomId, EventId eventId) {
        boolean isInvite = invite.type().equals("m.room.member")
                && invite.content()
                        .getString("membership")
                        .filter("invite"::equals)
                        .isPresent()
                && invite.stateKey().isPresent();
        if (!isInvite
                || !invite.roomId().equals(roomId.value())
                || !invite.eventId().equals(eventId.value())) {
            throw new MatrixException(ErrorCode.BAD_JSON, "Not the invite event of the request path");
        }
        if (!UserId.parse(invite.sender()).serverName().equals(origin)) {
            throw new MatrixException(ErrorCode.FORBIDDEN, "The inviting user is not from the requesting server");
        }
        UserId invitee = UserId.parse(invite.stateKey().get());
        if (!invitee.serverName().equals(us)) {
            throw new MatrixException(ErrorCode.FORBIDDEN, "The invited user is not on this server");
        }
        return invitee;
    }
}
