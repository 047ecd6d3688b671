package dev.lattice.protocol.auth;

import static java.util.Objects.requireNonNull;

/**
 * The key of a room state entry: an event type and a state key. State maps, the auth events selection and state
 * resolution are keyed by it.
 */
public record StateKey(String type, String stateKey) {
    public StateKey {
        requireNonNull(type, "type is null");
        requireNonNull(stateKey, "stateKey is null");
    }

    public static StateKey of(String type, String stateKey) {
        return new StateKey(type, stateKey);
    }

    @Override
    public String toString() {
        return "(" + type + ", " + stateKey + ")";
    }
}
