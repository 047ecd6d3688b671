package dev.lattice.protocol.auth;

import static dev.lattice.protocol.auth.AuthEventTypes.ALIASES;
import static dev.lattice.protocol.auth.AuthEventTypes.BAN;
import static dev.lattice.protocol.auth.AuthEventTypes.CREATE;
import static dev.lattice.protocol.auth.AuthEventTypes.INVITE;
import static dev.lattice.protocol.auth.AuthEventTypes.JOIN;
import static dev.lattice.protocol.auth.AuthEventTypes.JOIN_RULES;
import static dev.lattice.protocol.auth.AuthEventTypes.KNOCK;
import static dev.lattice.protocol.auth.AuthEventTypes.KNOCK_RESTRICTED;
import static dev.lattice.protocol.auth.AuthEventTypes.LEAVE;
import static dev.lattice.protocol.auth.AuthEventTypes.MEMBER;
import static dev.lattice.protocol.auth.AuthEventTypes.POWER_LEVELS;
import static dev.lattice.protocol.auth.AuthEventTypes.PUBLIC;
import static dev.lattice.protocol.auth.AuthEventTypes.REDACTION;
import static dev.lattice.protocol.auth.AuthEventTypes.RESTRICTED;
import static dev.lattice.protocol.auth.AuthEventTypes.THIRD_PARTY_INVITE;
import static dev.lattice.protocol.auth.AuthFailure.*;

import dev.lattice.protocol.event.RoomEvent;
import dev.lattice.protocol.id.EventId;
import dev.lattice.protocol.id.InvalidIdException;
import dev.lattice.protocol.id.RoomId;
import dev.lattice.protocol.id.ServerName;
import dev.lattice.protocol.id.UserId;
import dev.lattice.protocol.json.CanonicalJsonValue;
import dev.lattice.protocol.json.JsonArray;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.json.JsonString;
import dev.lattice.protocol.version.AuthorizationRules;
import dev.lattice.protocol.version.RoomVersionId;
import dev.lattice.protocol.version.RoomVersions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The state-dependent authorization rules of every room version
 * (<a href="https://spec.matrix.org/v1.19/rooms/v12/#authorization-rules">v12</a>,
 * <a href="https://spec.matrix.org/v1.19/rooms/v1/#authorization-rules">v1</a> and the versions between), as one
 * pure function of the rules, the event and the state it is checked against.
 *
 * <p>The checks on the listed {@code auth_events} themselves (duplicates, allowed kinds, same room) are
 * {@link AuthEventsCheck}; the PDU pipeline runs both. Usage:
 *
 * <pre>{@code
 * AuthResult byAuthEvents = AuthCheck.check(rules, pdu, StateLookup.ofEvents(authEvents), verifiers);
 * AuthResult byStateBefore = AuthCheck.check(rules, pdu, StateLookup.ofIds(stateBefore, events::get), verifiers);
 * }</pre>
 */
public final class AuthCheck {

    private AuthCheck() {}

    /**
     * Authorises {@code event} against {@code state}.
     *
     * @param rules the room version's authorization rules
     * @param event the event to authorise
     * @param state the state to authorise it against (the auth events, the state before the event, or the current
     *     state)
     * @param verifiers the signature checks the rules delegate
     */
    public static AuthResult check(
            AuthorizationRules rules, RoomEvent event, StateLookup state, AuthVerifiers verifiers) {
        if (event.type().equals(CREATE)) {
            return checkCreate(rules, event);
        }
        Optional<RoomEvent> create = state.get(CREATE, "");
        if (create.isEmpty()) {
            return AuthResult.reject(NO_CREATE_EVENT, "no m.room.create event in the state");
        }
        if (rules.roomCreateEventIdAsRoomId()) {
            // v12 rule 2: the room ID is the create event's ID with the ! sigil.
            if (!event.roomId().equals(roomIdOfCreateEvent(create.get()))) {
                return AuthResult.reject(
                        NO_CREATE_EVENT,
                        "room ID " + event.roomId() + " is not derived from create event "
                                + create.get().eventId());
            }
        } else if (!create.get().roomId().equals(event.roomId())) {
            return AuthResult.reject(NO_CREATE_EVENT, "the m.room.create event is from another room");
        }
        Context context = new Context(rules, event, state, create.get());

        // m.federate
        if (!create.get().content().getBool("m.federate").orElse(true)
                && !userServer(event.sender()).equals(userServer(create.get().sender()))) {
            return AuthResult.reject(NOT_FEDERATED, "room does not federate and sender is on another server");
        }

        // v1–5: m.room.aliases special case, before the membership rules.
        if (rules.specialCaseAliasesAuth() && event.type().equals(ALIASES)) {
            if (event.stateKey().isEmpty()) {
                return AuthResult.reject(ALIASES_SERVER_MISMATCH, "m.room.aliases without a state key");
            }
            if (!userServer(event.sender()).map(ServerName::value).equals(event.stateKey())) {
                return AuthResult.reject(ALIASES_SERVER_MISMATCH, "state key is not the sender's server");
            }
            return AuthResult.allow();
        }

        if (event.type().equals(MEMBER)) {
            return checkMembership(context, verifiers);
        }

        if (!context.membership(event.sender()).equals(JOIN)) {
            return AuthResult.reject(SENDER_NOT_JOINED, event.sender() + " is not joined");
        }
        long senderLevel = context.powerLevel(event.sender());

        if (event.type().equals(THIRD_PARTY_INVITE)) {
            return senderLevel >= context.powerLevels().invite()
                    ? AuthResult.allow()
                    : AuthResult.reject(INSUFFICIENT_POWER, "sender is below the invite level");
        }

        long required = context.powerLevels().eventLevel(event.type(), event.isState());
        if (required > senderLevel) {
            return AuthResult.reject(
                    INSUFFICIENT_POWER,
                    "sending " + event.type() + " needs level " + required + ", sender has " + senderLevel);
        }

        if (event.stateKey().isPresent()
                && event.stateKey().get().startsWith("@")
                && !event.stateKey().get().equals(event.sender())) {
            return AuthResult.reject(
                    STATE_KEY_NOT_SENDER,
                    "state key " + event.stateKey().get() + " starts with @ and is not the sender");
        }

        if (event.type().equals(POWER_LEVELS)) {
            return checkPowerLevels(context, senderLevel);
        }

        // v1–2: redactions are authorised here (removed in v3, where the same test is made when the redaction is
        // applied: see RedactionAuthority).
        if (rules.specialCaseRoomRedaction() && event.type().equals(REDACTION)) {
            if (senderLevel >= context.powerLevels().redact()) {
                return AuthResult.allow();
            }
            Optional<ServerName> redactedServer = event.redacts().flatMap(AuthCheck::eventServer);
            if (redactedServer.isPresent() && redactedServer.equals(eventServer(event.eventId()))) {
                return AuthResult.allow();
            }
            return AuthResult.reject(
                    REDACTION_NOT_ALLOWED,
                    "sender is below the redact level and the redacted event is from another server");
        }
        return AuthResult.allow();
    }

    /**
     * The v12 room ID derived from a create event's ID: the same hash with the {@code !} sigil. The string form of
     * {@link RoomId#fromCreateEventId}, because {@link RoomEvent} IDs are plain strings, validated when parsed.
     */
    private static String roomIdOfCreateEvent(RoomEvent create) {
        return "!" + create.eventId().substring(1);
    }

    /** The server of a user ID; empty if the ID is malformed (then no server matches it). */
    static Optional<ServerName> userServer(String userId) {
        return UserId.tryParse(userId).map(UserId::serverName);
    }

    /** The server of a room version 1–2 event ID, if it has one. */
    private static Optional<ServerName> eventServer(String eventId) {
        try {
            return EventId.parse(eventId).serverName();
        } catch (InvalidIdException e) {
            return Optional.empty();
        }
    }

    /** Rule "If content.room_version is present and is not a recognised version, reject". */
    private static boolean isRecognisedRoomVersion(CanonicalJsonValue value) {
        if (!(value instanceof JsonString s)) {
            return false;
        }
        try {
            return RoomVersions.rules(RoomVersionId.of(s.value())).isPresent();
        } catch (InvalidIdException e) {
            return false;
        }
    }

    private static AuthResult checkCreate(AuthorizationRules rules, RoomEvent event) {
        if (!event.prevEvents().isEmpty()) {
            return AuthResult.reject(CREATE_HAS_PREV_EVENTS, "m.room.create has prev_events");
        }
        if (rules.roomCreateEventIdAsRoomId()) {
            // v12: a create event has no room_id; the RoomEvent view reports the derived one. A PDU that carries a
            // room_id is refused by the event format check.
            if (!event.roomId().equals(roomIdOfCreateEvent(event))) {
                return AuthResult.reject(CREATE_ROOM_ID_MISMATCH, "room ID is not derived from the event ID");
            }
        } else {
            Optional<ServerName> roomServer;
            try {
                roomServer = RoomId.parse(event.roomId()).serverName();
            } catch (InvalidIdException e) {
                roomServer = Optional.empty();
            }
            if (roomServer.isEmpty() || !roomServer.equals(userServer(event.sender()))) {
                return AuthResult.reject(CREATE_ROOM_ID_MISMATCH, "room ID server is not the sender's server");
            }
        }
        Optional<CanonicalJsonValue> roomVersion = event.content().get("room_version");
        if (roomVersion.isPresent() && !isRecognisedRoomVersion(roomVersion.get())) {
            return AuthResult.reject(CREATE_UNKNOWN_ROOM_VERSION, "unknown room_version " + roomVersion.get());
        }
        if (!rules.useRoomCreateSender() && !event.content().has("creator")) {
            return AuthResult.reject(CREATE_MISSING_CREATOR, "m.room.create has no creator");
        }
        if (rules.additionalRoomCreators() && event.content().has("additional_creators")) {
            if (!(event.content().get("additional_creators").get() instanceof JsonArray array)) {
                return AuthResult.reject(CREATE_INVALID_ADDITIONAL_CREATORS, "additional_creators is not an array");
            }
            for (CanonicalJsonValue value : array.values()) {
                if (!(value instanceof JsonString s)
                        || UserId.tryParse(s.value()).isEmpty()) {
                    return AuthResult.reject(
                            CREATE_INVALID_ADDITIONAL_CREATORS,
                            "additional_creators holds an invalid user ID: " + value);
                }
            }
        }
        return AuthResult.allow();
    }

    private static AuthResult checkMembership(Context context, AuthVerifiers verifiers) {
        AuthorizationRules rules = context.rules;
        RoomEvent event = context.event;
        Optional<String> membershipValue = event.content().getString("membership");
        if (event.stateKey().isEmpty() || membershipValue.isEmpty()) {
            return AuthResult.reject(INVALID_MEMBERSHIP, "m.room.member without state_key or membership");
        }
        String membership = membershipValue.get();
        String target = event.stateKey().get();
        String sender = event.sender();

        Optional<String> authoriser = Optional.empty();
        if (rules.restrictedJoinRule() && event.content().has("join_authorised_via_users_server")) {
            authoriser = event.content().getString("join_authorised_via_users_server");
            Optional<ServerName> server = authoriser.flatMap(AuthCheck::userServer);
            if (server.isEmpty()
                    || !verifiers
                            .serverSignatures()
                            .isSignedBy(event, server.get().value())) {
                return AuthResult.reject(
                        INVALID_SIGNATURE, "not signed by the server of join_authorised_via_users_server");
            }
        }

        String targetMembership = context.membership(target);
        switch (membership) {
            case JOIN -> {
                if (event.prevEvents().size() == 1
                        && event.prevEvents().getFirst().equals(context.create.eventId())
                        && creatorForFirstJoin(rules, context.create)
                                .filter(target::equals)
                                .isPresent()) {
                    return AuthResult.allow();
                }
                if (!sender.equals(target)) {
                    return AuthResult.reject(MEMBERSHIP_CHANGE_NOT_ALLOWED, "sender cannot join someone else");
                }
                if (targetMembership.equals(BAN)) {
                    return AuthResult.reject(BANNED, sender + " is banned");
                }
                String joinRule = context.joinRule();
                boolean invitedOrJoined = targetMembership.equals(INVITE) || targetMembership.equals(JOIN);
                if (joinRule.equals(INVITE) || (rules.knocking() && joinRule.equals(KNOCK))) {
                    return invitedOrJoined
                            ? AuthResult.allow()
                            : AuthResult.reject(
                                    MEMBERSHIP_CHANGE_NOT_ALLOWED, "join rule " + joinRule + " needs an invite");
                }
                if ((rules.restrictedJoinRule() && joinRule.equals(RESTRICTED))
                        || (rules.knockRestrictedJoinRule() && joinRule.equals(KNOCK_RESTRICTED))) {
                    if (invitedOrJoined) {
                        return AuthResult.allow();
                    }
                    if (authoriser.isEmpty()
                            || !context.membership(authoriser.get()).equals(JOIN)
                            || context.powerLevel(authoriser.get())
                                    < context.powerLevels().invite()) {
                        return AuthResult.reject(
                                MEMBERSHIP_CHANGE_NOT_ALLOWED,
                                "join_authorised_via_users_server is not a joined user with invite power");
                    }
                    return AuthResult.allow();
                }
                if (joinRule.equals(PUBLIC)) {
                    return AuthResult.allow();
                }
                return AuthResult.reject(MEMBERSHIP_CHANGE_NOT_ALLOWED, "join rule " + joinRule + " forbids joining");
            }
            case INVITE -> {
                Optional<CanonicalJsonValue> thirdParty = event.content().get("third_party_invite");
                if (thirdParty.isPresent()) {
                    return checkThirdPartyInvite(context, thirdParty.get(), targetMembership, verifiers);
                }
                if (!context.membership(sender).equals(JOIN)) {
                    return AuthResult.reject(SENDER_NOT_JOINED, sender + " is not joined");
                }
                if (targetMembership.equals(JOIN) || targetMembership.equals(BAN)) {
                    return AuthResult.reject(MEMBERSHIP_CHANGE_NOT_ALLOWED, target + " is " + targetMembership);
                }
                return context.powerLevel(sender) >= context.powerLevels().invite()
                        ? AuthResult.allow()
                        : AuthResult.reject(INSUFFICIENT_POWER, "sender is below the invite level");
            }
            case LEAVE -> {
                if (sender.equals(target)) {
                    boolean mayLeave = targetMembership.equals(INVITE)
                            || targetMembership.equals(JOIN)
                            || (rules.knocking() && targetMembership.equals(KNOCK));
                    return mayLeave
                            ? AuthResult.allow()
                            : AuthResult.reject(MEMBERSHIP_CHANGE_NOT_ALLOWED, "cannot leave from " + targetMembership);
                }
                if (!context.membership(sender).equals(JOIN)) {
                    return AuthResult.reject(SENDER_NOT_JOINED, sender + " is not joined");
                }
                long senderLevel = context.powerLevel(sender);
                if (targetMembership.equals(BAN)
                        && senderLevel < context.powerLevels().ban()) {
                    return AuthResult.reject(INSUFFICIENT_POWER, "sender is below the ban level, cannot unban");
                }
                if (senderLevel >= context.powerLevels().kick() && context.powerLevel(target) < senderLevel) {
                    return AuthResult.allow();
                }
                return AuthResult.reject(INSUFFICIENT_POWER, "sender cannot kick " + target);
            }
            case BAN -> {
                if (!context.membership(sender).equals(JOIN)) {
                    return AuthResult.reject(SENDER_NOT_JOINED, sender + " is not joined");
                }
                long senderLevel = context.powerLevel(sender);
                if (senderLevel >= context.powerLevels().ban() && context.powerLevel(target) < senderLevel) {
                    return AuthResult.allow();
                }
                return AuthResult.reject(INSUFFICIENT_POWER, "sender cannot ban " + target);
            }
            case KNOCK -> {
                if (!rules.knocking()) {
                    return AuthResult.reject(INVALID_MEMBERSHIP, "knocking is not supported by this room version");
                }
                String joinRule = context.joinRule();
                if (!joinRule.equals(KNOCK)
                        && !(rules.knockRestrictedJoinRule() && joinRule.equals(KNOCK_RESTRICTED))) {
                    return AuthResult.reject(
                            MEMBERSHIP_CHANGE_NOT_ALLOWED, "join rule " + joinRule + " does not allow knocking");
                }
                if (!sender.equals(target)) {
                    return AuthResult.reject(MEMBERSHIP_CHANGE_NOT_ALLOWED, "cannot knock for someone else");
                }
                if (targetMembership.equals(BAN) || targetMembership.equals(INVITE) || targetMembership.equals(JOIN)) {
                    return AuthResult.reject(MEMBERSHIP_CHANGE_NOT_ALLOWED, "cannot knock when " + targetMembership);
                }
                return AuthResult.allow();
            }
            default -> {
                return AuthResult.reject(INVALID_MEMBERSHIP, "unknown membership " + membership);
            }
        }
    }

    /** The user whose join may directly follow the create event: the creator (v1–10) or create sender (v11+). */
    private static Optional<String> creatorForFirstJoin(AuthorizationRules rules, RoomEvent create) {
        return rules.useRoomCreateSender()
                ? Optional.of(create.sender())
                : create.content().getString("creator");
    }

    private static AuthResult checkThirdPartyInvite(
            Context context, CanonicalJsonValue thirdParty, String targetMembership, AuthVerifiers verifiers) {
        RoomEvent event = context.event;
        if (targetMembership.equals(BAN)) {
            return AuthResult.reject(BANNED, event.stateKey().orElseThrow() + " is banned");
        }
        Optional<JsonObject> signed =
                thirdParty instanceof JsonObject object ? object.getObject("signed") : Optional.empty();
        if (signed.isEmpty()) {
            return AuthResult.reject(INVALID_THIRD_PARTY_INVITE, "third_party_invite has no signed object");
        }
        Optional<String> mxid = signed.get().getString("mxid");
        Optional<String> token = signed.get().getString("token");
        if (mxid.isEmpty() || token.isEmpty()) {
            return AuthResult.reject(INVALID_THIRD_PARTY_INVITE, "signed has no mxid or token");
        }
        if (!mxid.get().equals(event.stateKey().orElseThrow())) {
            return AuthResult.reject(INVALID_THIRD_PARTY_INVITE, "mxid does not match the state key");
        }
        Optional<RoomEvent> invite = context.state.get(THIRD_PARTY_INVITE, token.get());
        if (invite.isEmpty()) {
            return AuthResult.reject(INVALID_THIRD_PARTY_INVITE, "no m.room.third_party_invite for the token");
        }
        if (!invite.get().sender().equals(event.sender())) {
            return AuthResult.reject(
                    INVALID_THIRD_PARTY_INVITE, "sender is not the sender of the m.room.third_party_invite");
        }
        List<String> publicKeys = new ArrayList<>();
        invite.get().content().getString("public_key").ifPresent(publicKeys::add);
        invite.get().content().getArray("public_keys").ifPresent(keys -> {
            for (CanonicalJsonValue key : keys.values()) {
                if (key instanceof JsonObject object) {
                    object.getString("public_key").ifPresent(publicKeys::add);
                }
            }
        });
        if (!publicKeys.isEmpty() && verifiers.thirdPartyInvites().verify(signed.get(), List.copyOf(publicKeys))) {
            return AuthResult.allow();
        }
        return AuthResult.reject(INVALID_SIGNATURE, "no signature in signed matches a public key of the invite");
    }

    private static AuthResult checkPowerLevels(Context context, long senderLevel) {
        AuthorizationRules rules = context.rules;
        RoomEvent event = context.event;
        Optional<String> problem = PowerLevels.validate(rules, event.content());
        if (problem.isPresent()) {
            return AuthResult.reject(INVALID_POWER_LEVELS, problem.get());
        }
        PowerLevels proposed = PowerLevels.read(rules, event.content());
        if (rules.explicitlyPrivilegeRoomCreators()) {
            for (String creator : RoomCreators.of(rules, context.create)) {
                if (proposed.users().containsKey(creator)) {
                    return AuthResult.reject(INVALID_POWER_LEVELS, "room creator " + creator + " is listed in users");
                }
            }
        }
        Optional<RoomEvent> previousEvent = context.state.get(POWER_LEVELS, "");
        if (previousEvent.isEmpty()) {
            return AuthResult.allow();
        }
        PowerLevels current = PowerLevels.read(rules, previousEvent.get().content());

        for (String name : PowerLevels.NAMED_LEVELS) {
            Optional<Long> before = current.named(name);
            Optional<Long> after = proposed.named(name);
            if (before.equals(after)) {
                continue;
            }
            if (before.isPresent() && before.get() > senderLevel) {
                return AuthResult.reject(
                        POWER_LEVELS_CHANGE_NOT_ALLOWED,
                        "cannot change " + name + " from " + before.get() + " above the sender's level " + senderLevel);
            }
            if (after.isPresent() && after.get() > senderLevel) {
                return AuthResult.reject(
                        POWER_LEVELS_CHANGE_NOT_ALLOWED,
                        "cannot set " + name + " to " + after.get() + " above the sender's level " + senderLevel);
            }
        }
        Optional<String> eventsProblem = checkLevelMap("events", current.events(), proposed.events(), senderLevel);
        if (eventsProblem.isPresent()) {
            return AuthResult.reject(POWER_LEVELS_CHANGE_NOT_ALLOWED, eventsProblem.get());
        }
        if (rules.limitNotificationsPowerLevels()) {
            Optional<String> notificationsProblem =
                    checkLevelMap("notifications", current.notifications(), proposed.notifications(), senderLevel);
            if (notificationsProblem.isPresent()) {
                return AuthResult.reject(POWER_LEVELS_CHANGE_NOT_ALLOWED, notificationsProblem.get());
            }
        }
        Set<String> users = new HashSet<>(current.users().keySet());
        users.addAll(proposed.users().keySet());
        for (String user : users) {
            Long before = current.users().get(user);
            Long after = proposed.users().get(user);
            if (Objects.equals(before, after)) {
                continue;
            }
            if (before != null && !user.equals(event.sender()) && before >= senderLevel) {
                return AuthResult.reject(
                        POWER_LEVELS_CHANGE_NOT_ALLOWED,
                        "cannot change the level of " + user + " (" + before + ") at or above the sender's level "
                                + senderLevel);
            }
            if (after != null && after > senderLevel) {
                return AuthResult.reject(
                        POWER_LEVELS_CHANGE_NOT_ALLOWED,
                        "cannot raise " + user + " to " + after + " above the sender's level " + senderLevel);
            }
        }
        return AuthResult.allow();
    }

    private static Optional<String> checkLevelMap(
            String name, Map<String, Long> current, Map<String, Long> proposed, long senderLevel) {
        Set<String> keys = new HashSet<>(current.keySet());
        keys.addAll(proposed.keySet());
        for (String key : keys) {
            Long before = current.get(key);
            Long after = proposed.get(key);
            if (Objects.equals(before, after)) {
                continue;
            }
            if (before != null && before > senderLevel) {
                return Optional.of("cannot change " + name + "." + key + " from " + before);
            }
            if (after != null && after > senderLevel) {
                return Optional.of("cannot set " + name + "." + key + " to " + after);
            }
        }
        return Optional.empty();
    }

    /** What the rules read from the state, loaded once per check. */
    private static final class Context {
        final AuthorizationRules rules;
        final RoomEvent event;
        final StateLookup state;
        final RoomEvent create;
        private Optional<PowerLevels> powerLevels;

        Context(AuthorizationRules rules, RoomEvent event, StateLookup state, RoomEvent create) {
            this.rules = rules;
            this.event = event;
            this.state = state;
            this.create = create;
        }

        /** The membership of {@code userId} in the state, {@code leave} if there is none. */
        String membership(String userId) {
            return state.get(MEMBER, userId)
                    .flatMap(e -> e.content().getString("membership"))
                    .orElse(LEAVE);
        }

        /** NOTSPEC: a room without {@code m.room.join_rules} is treated as {@code invite}, as Synapse and ruma do. */
        String joinRule() {
            return state.get(JOIN_RULES, "")
                    .flatMap(e -> e.content().getString("join_rule"))
                    .orElse(INVITE);
        }

        private Optional<PowerLevels> powerLevelsEvent() {
            if (powerLevels == null) {
                powerLevels = state.get(POWER_LEVELS, "").map(e -> PowerLevels.read(rules, e.content()));
            }
            return powerLevels;
        }

        PowerLevels powerLevels() {
            return powerLevelsEvent().orElse(PowerLevels.DEFAULTS);
        }

        long powerLevel(String userId) {
            return RoomCreators.powerLevel(rules, Optional.of(create), powerLevelsEvent(), userId);
        }
    }
}
