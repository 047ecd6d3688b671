package dev.lattice.protocol.stateres;

import static dev.lattice.protocol.auth.AuthEventTypes.CREATE;

import dev.lattice.protocol.auth.AuthCheck;
import dev.lattice.protocol.auth.AuthVerifiers;
import dev.lattice.protocol.auth.StateKey;
import dev.lattice.protocol.auth.StateLookup;
import dev.lattice.protocol.event.RoomEvent;
import dev.lattice.protocol.version.AuthorizationRules;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What one resolution shares between its steps: the rules, the events (memoised) and the iterative auth checks. */
class ResolutionContext {
    final AuthorizationRules rules;
    final EventLookup lookup;
    final AuthVerifiers verifiers;
    private final Map<String, Optional<RoomEvent>> events = new HashMap<>();

    ResolutionContext(AuthorizationRules rules, EventLookup lookup, AuthVerifiers verifiers) {
        this.rules = rules;
        this.lookup = lookup;
        this.verifiers = verifiers;
    }

    final Optional<RoomEvent> event(String eventId) {
        Optional<RoomEvent> event = events.get(eventId);
        if (event == null) {
            event = lookup.event(eventId);
            events.put(eventId, event);
        }
        return event;
    }

    /** The state key of a state event. */
    static StateKey keyOf(RoomEvent event) {
        return new StateKey(event.type(), event.stateKey().orElseThrow());
    }

    /**
     * The state to authorise {@code event} against during iterative auth checks: the (partially) resolved state,
     * falling back to the event's own non-rejected auth events for keys the state lacks. In v12 the create event,
     * which is never an auth event, comes from the room ID.
     */
    final StateLookup authState(RoomEvent event, Map<StateKey, String> state) {
        Map<StateKey, RoomEvent> fromAuthEvents = new HashMap<>(8);
        for (String authId : event.authEvents()) {
            if (lookup.isRejected(authId)) {
                continue;
            }
            event(authId).filter(RoomEvent::isState).ifPresent(a -> fromAuthEvents.put(keyOf(a), a));
        }
        return (type, stateKey) -> {
            StateKey key = new StateKey(type, stateKey);
            String id = state.get(key);
            if (id != null) {
                Optional<RoomEvent> fromState = event(id);
                if (fromState.isPresent()) {
                    return fromState;
                }
            }
            RoomEvent fromAuth = fromAuthEvents.get(key);
            if (fromAuth != null) {
                return Optional.of(fromAuth);
            }
            if (rules.roomCreateEventIdAsRoomId() && type.equals(CREATE) && stateKey.isEmpty()) {
                return createOfRoom(event.roomId());
            }
            return Optional.empty();
        };
    }

    /** v12: the create event named by a room ID. */
    final Optional<RoomEvent> createOfRoom(String roomId) {
        String createId = "$" + roomId.substring(1);
        return lookup.isRejected(createId) ? Optional.empty() : event(createId);
    }

    /** Applies {@code eventIds} in order to {@code state}, keeping each event the auth rules allow. */
    final void iterativeAuthChecks(List<String> eventIds, Map<StateKey, String> state) {
        for (String id : eventIds) {
            Optional<RoomEvent> event = event(id);
            if (event.isEmpty() || !event.get().isState()) {
                continue;
            }
            if (AuthCheck.check(rules, event.get(), authState(event.get(), state), verifiers)
                    .allowed()) {
                state.put(keyOf(event.get()), id);
            }
        }
    }
}
