package dev.lattice.protocol.auth;

import static dev.lattice.protocol.auth.AuthEventTypes.CREATE;
import static dev.lattice.protocol.auth.AuthFailure.AUTH_EVENT_FROM_OTHER_ROOM;
import static dev.lattice.protocol.auth.AuthFailure.INVALID_AUTH_EVENTS;

import dev.lattice.protocol.event.RoomEvent;
import dev.lattice.protocol.version.RoomVersionRules;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The rules on an event's listed {@code auth_events} ("Considering the event's auth_events", rule 2 of v1–11 and
 * rule 3 of v12): no two for the same (type, state key), only kinds the {@link AuthEventsSelection} allows, a create
 * event among them (v1–11) and none in v12 (both from
 * {@link dev.lattice.protocol.version.EventFormatRules#createEventInAuthEvents()}), and all from the event's room.
 *
 * <p>Whether an auth event was itself rejected is the caller's knowledge: pass only the events it accepted, and
 * reject the event if any listed auth event was rejected or is unknown.
 */
public final class AuthEventsCheck {
    private AuthEventsCheck() {}

    /**
     * @param event the event whose {@code auth_events} are checked
     * @param authEvents the events {@code event.authEvents()} names, loaded by the caller
     */
    public static AuthResult check(RoomVersionRules rules, RoomEvent event, List<? extends RoomEvent> authEvents) {
        if (authEvents.size() != event.authEvents().size()) {
            return AuthResult.reject(
                    INVALID_AUTH_EVENTS,
                    "expected " + event.authEvents().size() + " auth events, got " + authEvents.size());
        }
        Set<StateKey> allowed = AuthEventsSelection.forEvent(rules, event);
        Set<StateKey> seen = new HashSet<>();
        Set<String> ids = new HashSet<>();
        boolean hasCreate = false;
        for (RoomEvent authEvent : authEvents) {
            if (!event.authEvents().contains(authEvent.eventId()) || !ids.add(authEvent.eventId())) {
                return AuthResult.reject(INVALID_AUTH_EVENTS, authEvent.eventId() + " is not listed, or listed twice");
            }
            if (!authEvent.roomId().equals(event.roomId())) {
                return AuthResult.reject(
                        AUTH_EVENT_FROM_OTHER_ROOM,
                        "auth event " + authEvent.eventId() + " belongs to " + authEvent.roomId() + ", not "
                                + event.roomId());
            }
            if (authEvent.stateKey().isEmpty()) {
                return AuthResult.reject(INVALID_AUTH_EVENTS, "auth event " + authEvent.eventId() + " is not state");
            }
            StateKey key = StateKey.of(authEvent.type(), authEvent.stateKey().get());
            boolean isCreate = key.type().equals(CREATE) && key.stateKey().isEmpty();
            if (isCreate && !rules.eventFormat().createEventInAuthEvents()) {
                // v12 rule 3.2: the room ID names the create event, which must never be listed.
                return AuthResult.reject(
                        INVALID_AUTH_EVENTS,
                        "room version " + rules.id() + " never lists the m.room.create event in auth_events");
            }
            if (!seen.add(key)) {
                return AuthResult.reject(INVALID_AUTH_EVENTS, "two auth events for " + key);
            }
            if (!allowed.contains(key)) {
                return AuthResult.reject(
                        INVALID_AUTH_EVENTS, "auth event " + key + " is not selected for " + event.type());
            }
            hasCreate |= isCreate;
        }
        if (rules.eventFormat().createEventInAuthEvents()
                && !hasCreate
                && !event.type().equals(CREATE)) {
            return AuthResult.reject(INVALID_AUTH_EVENTS, "no m.room.create among the auth events");
        }
        return AuthResult.allow();
    }
}
