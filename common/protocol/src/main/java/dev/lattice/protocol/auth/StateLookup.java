package dev.lattice.protocol.auth;

import dev.lattice.protocol.event.RoomEvent;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The room state an event is authorised against: the state before the event, or the event's auth events, or (during
 * state resolution) the partially resolved state falling back to the auth events.
 */
@FunctionalInterface
public interface StateLookup {

    /** The state event for {@code (type, stateKey)}, if the state has one. */
    Optional<RoomEvent> get(String type, String stateKey);

    /**
     * This lookup, answering {@code (m.room.create, "")} with {@code create} when it has none. Room version 12 never
     * lists the create event among {@code auth_events} (the room ID names it), so a check against an event's auth
     * events adds it this way.
     */
    default StateLookup withCreate(RoomEvent create) {
        return (type, stateKey) -> {
            Optional<RoomEvent> found = get(type, stateKey);
            if (found.isEmpty() && type.equals(AuthEventTypes.CREATE) && stateKey.isEmpty()) {
                return Optional.of(create);
            }
            return found;
        };
    }

    /** A lookup over events indexed by their state key. */
    static StateLookup of(Map<StateKey, ? extends RoomEvent> state) {
        return (type, stateKey) -> Optional.ofNullable(state.get(new StateKey(type, stateKey)));
    }

    /** A lookup over a state map of event IDs and a way to load the events. */
    static StateLookup ofIds(Map<StateKey, String> state, Function<String, Optional<? extends RoomEvent>> events) {
        return (type, stateKey) -> {
            String id = state.get(new StateKey(type, stateKey));
            return id == null ? Optional.empty() : events.apply(id).map(RoomEvent.class::cast);
        };
    }

    /** A lookup over an event's auth events, keyed by their (type, state key); non-state events are ignored. */
    static StateLookup ofEvents(Iterable<? extends RoomEvent> events) {
        Map<StateKey, RoomEvent> byKey = new java.util.HashMap<>();
        for (RoomEvent event : events) {
            event.stateKey().ifPresent(key -> byKey.put(new StateKey(event.type(), key), event));
        }
        return of(byKey);
    }
}
