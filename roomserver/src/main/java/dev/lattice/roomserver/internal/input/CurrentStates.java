package dev.lattice.roomserver.internal.input;

import dev.lattice.protocol.auth.StateKey;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The current state of the rooms this instance wrote last, each with the room's forward extremities at that moment,
 * so that deciding the next event of a room of thousands of members does not read its whole current state again.
 *
 * <p>Why the extremities tell whether an entry is still right: every write that changes a room's current state is an
 * accepted new event, which becomes a forward extremity, so it changes the set; and a set, once changed, never comes
 * back (an extremity leaves the set only when a child names it, and a child is never removed). So an entry whose
 * extremities are the stored ones holds the stored current state, even if another instance wrote the room in between
 * (after a partition moved) or a write here failed: either would have left other extremities.
 */
final class CurrentStates {
    /** Rooms held; each entry is a room's whole current state, so this bounds the memory it takes. */
    static final int ROOMS = 64;

    private record Held(Set<String> extremities, Map<StateKey, String> state) {}

    private final Map<String, Held> rooms = new LinkedHashMap<>(ROOMS, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Held> eldest) {
            return size() > ROOMS;
        }
    };

    /** The room's current state, if held for exactly these stored forward extremities. */
    synchronized Optional<Map<StateKey, String>> get(String roomId, Set<String> extremities) {
        Held entry = rooms.get(roomId);
        return entry != null && entry.extremities().equals(extremities) ? Optional.of(entry.state()) : Optional.empty();
    }

    /** Notes the room's current state once a write committed it with these forward extremities. */
    synchronized void put(String roomId, Set<String> extremities, Map<StateKey, String> state) {
        rooms.put(roomId, new Held(Set.copyOf(extremities), Map.copyOf(state)));
    }
}
