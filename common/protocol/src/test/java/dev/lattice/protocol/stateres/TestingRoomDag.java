package dev.lattice.protocol.stateres;

import dev.lattice.protocol.auth.AuthCheck;
import dev.lattice.protocol.auth.AuthResult;
import dev.lattice.protocol.auth.AuthVerifiers;
import dev.lattice.protocol.auth.StateKey;
import dev.lattice.protocol.auth.StateLookup;
import dev.lattice.protocol.auth.TestingRoomEvent;
import dev.lattice.protocol.event.RoomEvent;
import dev.lattice.protocol.version.RoomVersionRules;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A room DAG fed with batches of events, as a roomserver would: each event's state before is the resolution of the
 * states after its {@code prev_events}; the room's state is the resolution of the states at the forward extremities.
 */
final class TestingRoomDag {
    private final RoomVersionRules version;
    private final Map<String, RoomEvent> events = new HashMap<>();
    private final Map<String, Map<StateKey, String>> stateAfter = new HashMap<>();
    private final Set<String> extremities = new TreeSet<>();
    private final Map<String, AuthResult> rejections = new LinkedHashMap<>();
    private final EventLookup lookup = id -> Optional.ofNullable(events.get(id));

    TestingRoomDag(RoomVersionRules version) {
        this.version = version;
    }

    /** Adds a batch in any order: it is sorted so that each event follows its prev events within the batch. */
    void add(List<TestingRoomEvent> batch) {
        Map<String, TestingRoomEvent> pending = new LinkedHashMap<>();
        batch.forEach(e -> pending.put(e.eventId(), e));
        // Auth events must be known before resolution reads them: register the whole batch first.
        batch.forEach(e -> events.put(e.eventId(), e));
        Set<String> done = new HashSet<>();
        while (!pending.isEmpty()) {
            boolean progressed = false;
            for (TestingRoomEvent event : List.copyOf(pending.values())) {
                if (event.prevEvents().stream().anyMatch(p -> pending.containsKey(p) && !done.contains(p))) {
                    continue;
                }
                process(event);
                done.add(event.eventId());
                pending.remove(event.eventId());
                progressed = true;
            }
            if (!progressed) {
                throw new IllegalStateException("cycle or missing prev events in " + pending.keySet());
            }
        }
    }

    private void process(TestingRoomEvent event) {
        List<Map<StateKey, String>> prevStates = new ArrayList<>();
        for (String prev : event.prevEvents()) {
            Map<StateKey, String> state = stateAfter.get(prev);
            if (state == null) {
                throw new IllegalStateException(event.eventId() + " follows unknown " + prev);
            }
            prevStates.add(state);
        }
        Map<StateKey, String> before = resolve(prevStates);
        StateLookup lookupBefore = StateLookup.ofIds(before, lookup::event);
        AuthResult result =
                AuthCheck.check(version.authorization(), event, lookupBefore, AuthVerifiers.NO_THIRD_PARTY_INVITES);
        Map<StateKey, String> after = new HashMap<>(before);
        if (result.allowed()) {
            event.stateKey().ifPresent(key -> after.put(StateKey.of(event.type(), key), event.eventId()));
        } else {
            rejections.put(event.eventId(), result);
        }
        stateAfter.put(event.eventId(), after);
        extremities.removeAll(event.prevEvents());
        extremities.add(event.eventId());
    }

    Map<StateKey, String> resolve(List<Map<StateKey, String>> states) {
        return StateResolution.resolve(
                version.stateRes(), version.authorization(), states, lookup, AuthVerifiers.NO_THIRD_PARTY_INVITES);
    }

    /** The state of the room: the resolution of the states at the forward extremities. */
    Map<StateKey, String> state() {
        List<Map<StateKey, String>> states = new ArrayList<>();
        for (String id : extremities) {
            states.add(stateAfter.get(id));
        }
        return resolve(states);
    }

    Map<String, AuthResult> rejections() {
        return rejections;
    }

    EventLookup lookup() {
        return lookup;
    }
}
