package dev.lattice.protocol.stateres;

import static dev.lattice.protocol.auth.AuthEventTypes.BAN;
import static dev.lattice.protocol.auth.AuthEventTypes.CREATE;
import static dev.lattice.protocol.auth.AuthEventTypes.JOIN_RULES;
import static dev.lattice.protocol.auth.AuthEventTypes.LEAVE;
import static dev.lattice.protocol.auth.AuthEventTypes.MEMBER;
import static dev.lattice.protocol.auth.AuthEventTypes.POWER_LEVELS;

import dev.lattice.protocol.auth.AuthVerifiers;
import dev.lattice.protocol.auth.PowerLevels;
import dev.lattice.protocol.auth.RoomCreators;
import dev.lattice.protocol.auth.StateKey;
import dev.lattice.protocol.event.RoomEvent;
import dev.lattice.protocol.version.AuthorizationRules;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * <a href="https://spec.matrix.org/v1.19/rooms/v2/#state-resolution">State resolution v2</a> (room versions 2–11)
 * and, with {@code v21}, <a href="https://spec.matrix.org/v1.19/rooms/v12/#state-resolution">v2.1</a> (room version
 * 12, MSC4297). One instance per resolution; it memoises events and sender power levels.
 */
final class StateResolutionV2 extends ResolutionContext {
    private final boolean v21;
    private final Map<String, Long> senderPower = new HashMap<>();
    private final Map<String, PowerLevels> powerLevelsById = new HashMap<>();

    StateResolutionV2(AuthorizationRules rules, EventLookup lookup, AuthVerifiers verifiers, boolean v21) {
        super(rules, lookup, verifiers);
        this.v21 = v21;
    }

    Map<StateKey, String> resolve(List<Map<StateKey, String>> stateSets) {
        // Unconflicted state map and conflicted state set.
        StatePartition partition = StatePartition.of(stateSets);
        Map<StateKey, String> unconflicted = partition.unconflicted();
        Set<String> conflicted = partition.conflicted();
        if (conflicted.isEmpty()) {
            return unconflicted;
        }

        // Full conflicted set: conflicted state, auth difference and (v2.1) the conflicted state subgraph.
        Set<String> full = new HashSet<>(conflicted);
        full.addAll(authDifference(stateSets, unconflicted));
        if (v21) {
            full.addAll(conflictedSubgraph(conflicted));
        }
        full.removeIf(id -> event(id).filter(RoomEvent::isState).isEmpty());

        // Step 1: power events and their auth ancestors within the full conflicted set, in reverse topological
        // power ordering.
        Map<String, List<String>> graph = new HashMap<>();
        List<String> power = new ArrayList<>();
        for (String id : full) {
            if (isPowerEvent(event(id).orElseThrow())) {
                power.add(id);
            }
        }
        power.sort(null); // deterministic graph construction; the ordering itself does not depend on it
        for (String id : power) {
            addWithAuthAncestors(id, full, graph);
        }
        List<String> sortedPower = reverseTopologicalPowerOrder(graph);

        // Step 2: iterative auth checks from the unconflicted state (v2) or the empty state (v2.1).
        Map<StateKey, String> state = v21 ? new HashMap<>() : new HashMap<>(unconflicted);
        iterativeAuthChecks(sortedPower, state);

        // Step 3 and 4: the rest, in mainline order of the resolved power levels, on top of it.
        List<String> others = new ArrayList<>();
        for (String id : full) {
            if (!graph.containsKey(id)) {
                others.add(id);
            }
        }
        iterativeAuthChecks(mainlineOrder(others, state.get(StateKey.of(POWER_LEVELS, ""))), state);

        // Step 5: the unconflicted state map wins.
        state.putAll(unconflicted);
        return state;
    }

    /**
     * The power events of the spec, plus {@code m.room.create}, as Synapse and ruma count it (a create event can
     * only reach the full conflicted set in a corrupted DAG, where sorting it first is the safe choice).
     */
    static boolean isPowerEvent(RoomEvent event) {
        if (!event.isState()) {
            return false;
        }
        return switch (event.type()) {
            case POWER_LEVELS, JOIN_RULES, CREATE -> event.stateKey().get().isEmpty();
            case MEMBER -> {
                String membership = event.content().getString("membership").orElse("");
                yield (membership.equals(LEAVE) || membership.equals(BAN))
                        && !event.stateKey().get().equals(event.sender());
            }
            default -> false;
        };
    }

    /**
     * ∪C<sub>i</sub> − ∩C<sub>i</sub> over the full auth chains C<sub>i</sub> of the state sets. Each C<sub>i</sub> is
     * U ∪ A<sub>i</sub>, with U the auth chain of the unconflicted events (shared by all sets) and A<sub>i</sub> that
     * of the set's conflicted events, so the difference is (∪A<sub>i</sub> − ∩A<sub>i</sub>) − U: only the conflicted
     * events' chains are walked per set, and U once, only when there is a candidate to test.
     */
    private Set<String> authDifference(List<Map<StateKey, String>> stateSets, Map<StateKey, String> unconflicted) {
        List<Set<String>> chains = new ArrayList<>(stateSets.size());
        for (Map<StateKey, String> set : stateSets) {
            List<String> roots = new ArrayList<>();
            for (Map.Entry<StateKey, String> entry : set.entrySet()) {
                if (!entry.getValue().equals(unconflicted.get(entry.getKey()))) {
                    roots.add(entry.getValue());
                }
            }
            chains.add(authChainWithRoots(roots, Set.of()));
        }
        Set<String> union = new HashSet<>();
        for (Set<String> chain : chains) {
            union.addAll(chain);
        }
        Set<String> difference = new HashSet<>();
        for (String id : union) {
            for (Set<String> chain : chains) {
                if (!chain.contains(id)) {
                    difference.add(id);
                    break;
                }
            }
        }
        if (difference.isEmpty()) {
            return difference;
        }
        Set<String> shared = lookup.authChainIds(unconflicted.values())
                .orElseGet(() -> authChainWithRoots(unconflicted.values(), Set.of()));
        difference.removeAll(shared);
        return difference;
    }

    /** The roots and everything reachable from them over {@code auth_events}. */
    private Set<String> authChainWithRoots(Iterable<String> roots, Set<String> stop) {
        Set<String> seen = new HashSet<>();
        ArrayDeque<String> todo = new ArrayDeque<>();
        for (String root : roots) {
            if (seen.add(root)) {
                todo.push(root);
            }
        }
        while (!todo.isEmpty()) {
            Optional<RoomEvent> event = event(todo.pop());
            if (event.isEmpty()) {
                continue;
            }
            for (String authId : event.get().authEvents()) {
                if (!stop.contains(authId) && seen.add(authId)) {
                    todo.push(authId);
                }
            }
        }
        return seen;
    }

    /**
     * v2.1: every event on an {@code auth_events} path between two conflicted events (endpoints included): those
     * reachable from a conflicted event from which a conflicted event is again reachable.
     */
    private Set<String> conflictedSubgraph(Set<String> conflicted) {
        // Events reachable from the conflicted set (at least one step).
        Set<String> reachable = new HashSet<>();
        ArrayDeque<String> todo = new ArrayDeque<>();
        for (String id : conflicted) {
            event(id).ifPresent(e -> {
                for (String authId : e.authEvents()) {
                    if (reachable.add(authId)) {
                        todo.push(authId);
                    }
                }
            });
        }
        while (!todo.isEmpty()) {
            event(todo.pop()).ifPresent(e -> {
                for (String authId : e.authEvents()) {
                    if (reachable.add(authId)) {
                        todo.push(authId);
                    }
                }
            });
        }
        // Of those, the ones that lead to a conflicted event: iterative post-order over the auth DAG, memoised.
        Map<String, Boolean> leadsToConflicted = new HashMap<>();
        Set<String> subgraph = new HashSet<>(conflicted);
        for (String start : reachable) {
            if (leadsToConflicted.containsKey(start)) {
                continue;
            }
            ArrayDeque<String> stack = new ArrayDeque<>();
            stack.push(start);
            while (!stack.isEmpty()) {
                String id = stack.peek();
                if (leadsToConflicted.containsKey(id)) {
                    stack.pop();
                    continue;
                }
                List<String> parents = event(id).map(RoomEvent::authEvents).orElse(List.of());
                boolean ready = true;
                boolean leads = false;
                for (String parent : parents) {
                    Boolean known = leadsToConflicted.get(parent);
                    if (known == null) {
                        ready = false;
                        stack.push(parent);
                    } else {
                        leads |= known || conflicted.contains(parent);
                    }
                }
                if (ready) {
                    stack.pop();
                    leadsToConflicted.put(id, leads);
                }
            }
            if (leadsToConflicted.get(start)) {
                subgraph.add(start);
            }
        }
        return subgraph;
    }

    /** Adds {@code id} and its auth ancestors reachable within {@code full} to the graph (event → auth events). */
    private void addWithAuthAncestors(String id, Set<String> full, Map<String, List<String>> graph) {
        ArrayDeque<String> todo = new ArrayDeque<>();
        if (!graph.containsKey(id)) {
            todo.push(id);
        }
        while (!todo.isEmpty()) {
            String current = todo.pop();
            if (graph.containsKey(current)) {
                continue;
            }
            List<String> edges = new ArrayList<>();
            graph.put(current, edges);
            for (String authId : event(current).orElseThrow().authEvents()) {
                if (full.contains(authId)) {
                    edges.add(authId);
                    if (!graph.containsKey(authId)) {
                        todo.push(authId);
                    }
                }
            }
        }
    }

    /**
     * Kahn's algorithm over the auth DAG, earliest first, choosing among the ready events the one whose sender has
     * the highest power level, then the lowest {@code origin_server_ts}, then the lowest event ID.
     */
    private List<String> reverseTopologicalPowerOrder(Map<String, List<String>> graph) {
        Map<String, Integer> pendingParents = new HashMap<>();
        Map<String, List<String>> children = new HashMap<>();
        for (Map.Entry<String, List<String>> entry : graph.entrySet()) {
            pendingParents.put(entry.getKey(), entry.getValue().size());
            for (String parent : entry.getValue()) {
                children.computeIfAbsent(parent, k -> new ArrayList<>()).add(entry.getKey());
            }
        }
        Comparator<Candidate> order = Comparator.comparingLong(Candidate::power)
                .reversed()
                .thenComparingLong(Candidate::ts)
                .thenComparing(Candidate::id);
        PriorityQueue<Candidate> ready = new PriorityQueue<>(order);
        for (Map.Entry<String, Integer> entry : pendingParents.entrySet()) {
            if (entry.getValue() == 0) {
                ready.add(candidate(entry.getKey()));
            }
        }
        List<String> sorted = new ArrayList<>(graph.size());
        while (!ready.isEmpty()) {
            String id = ready.poll().id;
            sorted.add(id);
            for (String child : children.getOrDefault(id, List.of())) {
                if (pendingParents.merge(child, -1, Integer::sum) == 0) {
                    ready.add(candidate(child));
                }
            }
        }
        return sorted;
    }

    private Candidate candidate(String id) {
        RoomEvent event = event(id).orElseThrow();
        return new Candidate(id, senderPowerLevel(event), event.originServerTs());
    }

    private record Candidate(String id, long power, long ts) {}

    /** The sender's power level according to the event's own auth events (power levels, else create). */
    private long senderPowerLevel(RoomEvent event) {
        Long cached = senderPower.get(event.eventId());
        if (cached != null) {
            return cached;
        }
        Optional<RoomEvent> powerLevelsEvent = Optional.empty();
        Optional<RoomEvent> create = Optional.empty();
        for (String authId : event.authEvents()) {
            Optional<RoomEvent> authEvent = event(authId);
            if (authEvent.isEmpty()
                    || !authEvent.get().isState()
                    || !authEvent.get().stateKey().get().isEmpty()) {
                continue;
            }
            if (authEvent.get().type().equals(POWER_LEVELS) && powerLevelsEvent.isEmpty()) {
                powerLevelsEvent = authEvent;
            } else if (authEvent.get().type().equals(CREATE) && create.isEmpty()) {
                create = authEvent;
            }
        }
        if (rules.roomCreateEventIdAsRoomId()) {
            create = event.type().equals(CREATE) ? Optional.of(event) : createOfRoom(event.roomId());
        }
        Optional<PowerLevels> levels = powerLevelsEvent.map(this::powerLevels);
        long power = RoomCreators.powerLevel(rules, create, levels, event.sender());
        senderPower.put(event.eventId(), power);
        return power;
    }

    private PowerLevels powerLevels(RoomEvent powerLevelsEvent) {
        return powerLevelsById.computeIfAbsent(
                powerLevelsEvent.eventId(), id -> PowerLevels.read(rules, powerLevelsEvent.content()));
    }

    /**
     * Orders events by mainline position (events based on an older power levels event first; events whose power
     * levels chain never meets the mainline before all others), then {@code origin_server_ts}, then event ID.
     */
    private List<String> mainlineOrder(List<String> eventIds, String resolvedPowerLevels) {
        Map<String, Integer> mainline = new HashMap<>();
        String current = resolvedPowerLevels;
        int position = 0;
        while (current != null && !mainline.containsKey(current)) {
            mainline.put(current, position++);
            current = powerLevelsAuthEvent(current);
        }
        Map<String, Integer> positionOfPowerLevels = new HashMap<>();
        record Keyed(String id, int position, long ts) {}
        List<Keyed> keyed = new ArrayList<>(eventIds.size());
        for (String id : eventIds) {
            RoomEvent event = event(id).orElseThrow();
            keyed.add(new Keyed(id, mainlinePosition(id, mainline, positionOfPowerLevels), event.originServerTs()));
        }
        keyed.sort(Comparator.comparingInt((Keyed k) -> -k.position)
                .thenComparingLong(Keyed::ts)
                .thenComparing(Keyed::id));
        List<String> sorted = new ArrayList<>(keyed.size());
        for (Keyed k : keyed) {
            sorted.add(k.id);
        }
        return sorted;
    }

    /** The mainline position of an event: that of the first power levels event up its chain on the mainline. */
    private int mainlinePosition(String eventId, Map<String, Integer> mainline, Map<String, Integer> memo) {
        List<String> walked = new ArrayList<>();
        String current = powerLevelsAuthEvent(eventId);
        int position = Integer.MAX_VALUE;
        Set<String> seen = new HashSet<>();
        while (current != null && seen.add(current)) {
            Integer known = mainline.get(current);
            if (known == null) {
                known = memo.get(current);
            }
            if (known != null) {
                position = known;
                break;
            }
            walked.add(current);
            current = powerLevelsAuthEvent(current);
        }
        for (String id : walked) {
            memo.put(id, position);
        }
        return position;
    }

    /** The {@code m.room.power_levels} event among an event's auth events, if any. */
    private String powerLevelsAuthEvent(String eventId) {
        Optional<RoomEvent> event = event(eventId);
        if (event.isEmpty()) {
            return null;
        }
        for (String authId : event.get().authEvents()) {
            Optional<RoomEvent> authEvent = event(authId);
            if (authEvent.isPresent()
                    && authEvent.get().type().equals(POWER_LEVELS)
                    && authEvent.get().stateKey().filter(String::isEmpty).isPresent()) {
                return authId;
            }
        }
        return null;
    }
}
