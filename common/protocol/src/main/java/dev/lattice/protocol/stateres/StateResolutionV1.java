package dev.lattice.protocol.stateres;

import static dev.lattice.protocol.auth.AuthEventTypes.JOIN_RULES;
import static dev.lattice.protocol.auth.AuthEventTypes.MEMBER;
import static dev.lattice.protocol.auth.AuthEventTypes.POWER_LEVELS;

import dev.lattice.protocol.auth.AuthCheck;
import dev.lattice.protocol.auth.AuthVerifiers;
import dev.lattice.protocol.auth.StateKey;
import dev.lattice.protocol.auth.StateLookup;
import dev.lattice.protocol.event.RoomEvent;
import dev.lattice.protocol.version.AuthorizationRules;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The original <a href="https://spec.matrix.org/v1.19/rooms/v1/#state-resolution">state resolution</a> of room
 * version 1, as the spec text states it (Synapse's historical implementation differs in details; rooms of version 1
 * are legacy and this exists so their state can still be computed).
 *
 * <ol>
 *   <li>R = every entry the states agree on (an entry present in only some states, always with the same event, is
 *       not a conflict);
 *   <li>conflicting {@code m.room.power_levels}, then {@code m.room.join_rules}, then each {@code m.room.member}
 *       key: sort by ascending depth, then descending SHA-1 of the event ID; take the first; add each next one
 *       while the auth rules allow it in R, stopping at the first that fails;
 *   <li>every other conflict: the event with the highest depth, then lowest SHA-1 of its ID, that passes auth in R.
 * </ol>
 */
final class StateResolutionV1 extends ResolutionContext {

    StateResolutionV1(AuthorizationRules rules, EventLookup lookup, AuthVerifiers verifiers) {
        super(rules, lookup, verifiers);
    }

    Map<StateKey, String> resolve(List<Map<StateKey, String>> stateSets) {
        Map<StateKey, String> resolved = new HashMap<>();
        // TreeMap: a deterministic order of conflicts, whatever the maps' iteration order.
        Map<StateKey, Set<String>> conflicts =
                new TreeMap<>(Comparator.comparing(StateKey::type).thenComparing(StateKey::stateKey));
        Map<StateKey, Set<String>> candidates = new HashMap<>();
        for (Map<StateKey, String> set : stateSets) {
            for (Map.Entry<StateKey, String> entry : set.entrySet()) {
                candidates
                        .computeIfAbsent(entry.getKey(), k -> new LinkedHashSet<>())
                        .add(entry.getValue());
            }
        }
        for (Map.Entry<StateKey, Set<String>> entry : candidates.entrySet()) {
            if (entry.getValue().size() == 1) {
                resolved.put(entry.getKey(), entry.getValue().iterator().next());
            } else {
                conflicts.put(entry.getKey(), entry.getValue());
            }
        }
        resolveAuthConflict(StateKey.of(POWER_LEVELS, ""), conflicts, resolved);
        resolveAuthConflict(StateKey.of(JOIN_RULES, ""), conflicts, resolved);
        for (StateKey key : List.copyOf(conflicts.keySet())) {
            if (key.type().equals(MEMBER)) {
                resolveAuthConflict(key, conflicts, resolved);
            }
        }
        for (Map.Entry<StateKey, Set<String>> conflict : conflicts.entrySet()) {
            List<RoomEvent> events = load(conflict.getValue());
            events.sort(Comparator.comparingLong(RoomEvent::depth).reversed().thenComparing(e -> sha1Hex(e.eventId())));
            RoomEvent chosen = null;
            for (RoomEvent event : events) {
                if (allowed(event, resolved)) {
                    chosen = event;
                    break;
                }
            }
            // NOTSPEC: the spec does not say what to do when no event passes; like Synapse, take the last one in
            // the order (the lowest depth).
            if (chosen == null && !events.isEmpty()) {
                chosen = events.getLast();
            }
            if (chosen != null) {
                resolved.put(conflict.getKey(), chosen.eventId());
            }
        }
        return resolved;
    }

    private void resolveAuthConflict(
            StateKey key, Map<StateKey, Set<String>> conflicts, Map<StateKey, String> resolved) {
        Set<String> ids = conflicts.remove(key);
        if (ids == null) {
            return;
        }
        List<RoomEvent> events = load(ids);
        events.sort(Comparator.comparingLong(RoomEvent::depth)
                .thenComparing(Comparator.comparing((RoomEvent e) -> sha1Hex(e.eventId()))
                        .reversed()));
        if (events.isEmpty()) {
            return;
        }
        resolved.put(key, events.getFirst().eventId());
        for (RoomEvent event : events.subList(1, events.size())) {
            if (!allowed(event, resolved)) {
                break;
            }
            resolved.put(key, event.eventId());
        }
    }

    private boolean allowed(RoomEvent event, Map<StateKey, String> state) {
        StateLookup lookup = StateLookup.ofIds(state, this::event);
        return AuthCheck.check(rules, event, lookup, verifiers).allowed();
    }

    private List<RoomEvent> load(Set<String> ids) {
        List<RoomEvent> events = new ArrayList<>();
        for (String id : ids) {
            event(id).ifPresent(events::add);
        }
        return events;
    }

    static String sha1Hex(String eventId) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            return HexFormat.of().formatHex(sha1.digest(eventId.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is a mandatory JDK algorithm", e);
        }
    }
}
