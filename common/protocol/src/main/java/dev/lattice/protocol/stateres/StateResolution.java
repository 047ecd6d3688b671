package dev.lattice.protocol.stateres;

import static java.util.Objects.requireNonNull;

import dev.lattice.protocol.auth.AuthVerifiers;
import dev.lattice.protocol.auth.StateKey;
import dev.lattice.protocol.version.AuthorizationRules;
import dev.lattice.protocol.version.StateResVersion;
import java.util.List;
import java.util.Map;

/**
 * State resolution: the state of a room where its DAG forks, from the states of the forks. Room version 1 uses
 * {@link StateResVersion#V1}, versions 2–11 {@link StateResVersion#V2}, version 12 {@link StateResVersion#V2_1}
 * (MSC4297). Pure and deterministic: the same inputs give the same map on every server.
 *
 * <pre>{@code
 * // state before an event = resolution of the states after its prev_events
 * RoomVersionRules rules = RoomVersions.rules(roomVersionId).orElseThrow();
 * Map<StateKey, String> before = StateResolution.resolve(rules.stateRes(), rules.authorization(),
 *         List.of(stateAfterA, stateAfterB), EventLookup.of(eventsById), AuthVerifiers.CHECKED_ON_RECEIPT);
 * }</pre>
 */
public final class StateResolution {
    private StateResolution() {}

    /**
     * Resolves {@code stateSets} into one state.
     *
     * @param version the algorithm of the room version
     * @param rules the room version's authorization rules, for the auth checks the algorithm makes
     * @param stateSets the states to resolve, each a map from (type, state key) to event ID
     * @param events every event named by the state sets and their auth chains
     * @param verifiers the signature checks the authorization rules delegate
     * @return the resolved state, from (type, state key) to event ID
     */
    public static Map<StateKey, String> resolve(
            StateResVersion version,
            AuthorizationRules rules,
            List<Map<StateKey, String>> stateSets,
            EventLookup events,
            AuthVerifiers verifiers) {
        requireNonNull(version, "version is null");
        requireNonNull(rules, "rules is null");
        requireNonNull(stateSets, "stateSets is null");
        requireNonNull(events, "events is null");
        requireNonNull(verifiers, "verifiers is null");
        if (stateSets.isEmpty()) {
            return Map.of();
        }
        if (stateSets.size() == 1) {
            return Map.copyOf(stateSets.getFirst());
        }
        return switch (version) {
            case V1 -> new StateResolutionV1(rules, events, verifiers).resolve(stateSets);
            case V2 -> new StateResolutionV2(rules, events, verifiers, false).resolve(stateSets);
            case V2_1 -> new StateResolutionV2(rules, events, verifiers, true).resolve(stateSets);
        };
    }
}
