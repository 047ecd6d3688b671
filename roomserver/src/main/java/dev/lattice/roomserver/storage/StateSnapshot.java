package dev.lattice.roomserver.storage;

import static java.util.Objects.requireNonNull;

import dev.lattice.protocol.auth.StateKey;
import java.util.Map;

/**
 * A stored room state, loaded whole (its delta chain applied).
 *
 * @param nid the snapshot's numeric ID
 * @param chainLength deltas between it and its full ancestor
 * @param state (type, state key) to event ID
 */
public record StateSnapshot(long nid, int chainLength, Map<StateKey, String> state) {
    public StateSnapshot {
        state = Map.copyOf(requireNonNull(state, "state is null"));
    }
}
