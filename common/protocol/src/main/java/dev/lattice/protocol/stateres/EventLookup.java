package dev.lattice.protocol.stateres;

import dev.lattice.protocol.event.RoomEvent;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The events state resolution reads: every event in the state sets and in their auth chains. An event the lookup
 * does not have is left out of the resolution (as Synapse and ruma do), so callers should load auth chains first.
 */
@FunctionalInterface
public interface EventLookup {

    /** The event with this ID, if known. */
    Optional<RoomEvent> event(String eventId);

    /**
     * Whether the event was rejected by the checks on receipt. Rejected events are never used as auth events in
     * the iterative auth checks. Defaults to {@code false}.
     */
    default boolean isRejected(String eventId) {
        return false;
    }

    /**
     * The IDs reachable from {@code roots} over {@code auth_events}, the roots included, if this lookup can tell them
     * without handing over every event (a store with an index of auth events); empty to have the resolution walk the
     * events itself. A big room's unconflicted state is thousands of member events, of which only the IDs are needed.
     */
    default Optional<Set<String>> authChainIds(Collection<String> roots) {
        return Optional.empty();
    }

    /** A lookup over a map of accepted events. */
    static EventLookup of(Map<String, ? extends RoomEvent> events) {
        return id -> Optional.ofNullable(events.get(id));
    }

    /** A lookup over a map of events, of which {@code rejected} were rejected. */
    static EventLookup of(Map<String, ? extends RoomEvent> events, Set<String> rejected) {
        return new EventLookup() {
            @Override
            public Optional<RoomEvent> event(String eventId) {
                return Optional.ofNullable(events.get(eventId));
            }

            @Override
            public boolean isRejected(String eventId) {
                return rejected.contains(eventId);
            }
        };
    }
}
