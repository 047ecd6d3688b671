package dev.lattice.protocol.auth;

import static dev.lattice.protocol.auth.AuthEventTypes.CREATE;
import static dev.lattice.protocol.auth.AuthEventTypes.INVITE;
import static dev.lattice.protocol.auth.AuthEventTypes.JOIN;
import static dev.lattice.protocol.auth.AuthEventTypes.JOIN_RULES;
import static dev.lattice.protocol.auth.AuthEventTypes.KNOCK;
import static dev.lattice.protocol.auth.AuthEventTypes.MEMBER;
import static dev.lattice.protocol.auth.AuthEventTypes.POWER_LEVELS;
import static dev.lattice.protocol.auth.AuthEventTypes.THIRD_PARTY_INVITE;

import dev.lattice.protocol.event.RoomEvent;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.version.RoomVersionRules;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * The <a href="https://spec.matrix.org/v1.19/server-server-api/#auth-events-selection">auth events selection</a>:
 * which state entries an event's {@code auth_events} may (and, where the state has them, should) reference.
 *
 * <pre>{@code
 * Set<StateKey> keys = AuthEventsSelection.forEvent(rules, "m.room.member", Optional.of(userId), userId, content);
 * List<String> authEvents = keys.stream().map(currentState::get).filter(Objects::nonNull).toList();
 * }</pre>
 */
public final class AuthEventsSelection {
    private AuthEventsSelection() {}

    /**
     * The state keys an event with these fields selects, in a stable order: create (unless the event format says the
     * create event is never listed, {@link dev.lattice.protocol.version.EventFormatRules#createEventInAuthEvents()},
     * v12), power levels, the
     * sender's member event, and for {@code m.room.member}: the target's member event, the join rules (join, invite,
     * knock), the third-party invite named by {@code third_party_invite.signed.token} (invite), and the authorising
     * user's member event for restricted joins (v8+). {@code m.room.create} itself selects nothing.
     */
    public static Set<StateKey> forEvent(
            RoomVersionRules rules, String type, Optional<String> stateKey, String sender, JsonObject content) {
        if (type.equals(CREATE) && stateKey.filter(String::isEmpty).isPresent()) {
            return Collections.emptySet();
        }
        Set<StateKey> keys = new LinkedHashSet<>();
        if (rules.eventFormat().createEventInAuthEvents()) {
            keys.add(StateKey.of(CREATE, ""));
        }
        keys.add(StateKey.of(POWER_LEVELS, ""));
        keys.add(StateKey.of(MEMBER, sender));
        if (type.equals(MEMBER) && stateKey.isPresent()) {
            keys.add(StateKey.of(MEMBER, stateKey.get()));
            String membership = content.getString("membership").orElse("");
            if (membership.equals(JOIN) || membership.equals(INVITE) || membership.equals(KNOCK)) {
                keys.add(StateKey.of(JOIN_RULES, ""));
            }
            if (membership.equals(INVITE)) {
                content.getObject("third_party_invite")
                        .flatMap(t -> t.getObject("signed"))
                        .flatMap(s -> s.getString("token"))
                        .ifPresent(token -> keys.add(StateKey.of(THIRD_PARTY_INVITE, token)));
            }
            if (membership.equals(JOIN) && rules.authorization().restrictedJoinRule()) {
                content.getString("join_authorised_via_users_server")
                        .ifPresent(user -> keys.add(StateKey.of(MEMBER, user)));
            }
        }
        return keys;
    }

    /** {@link #forEvent(RoomVersionRules, String, Optional, String, JsonObject)} for an existing event. */
    public static Set<StateKey> forEvent(RoomVersionRules rules, RoomEvent event) {
        return forEvent(rules, event.type(), event.stateKey(), event.sender(), event.content());
    }
}
