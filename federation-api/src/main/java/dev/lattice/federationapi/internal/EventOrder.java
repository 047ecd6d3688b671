package dev.lattice.federationapi.internal;

import dev.lattice.protocol.event.Pdu;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.function.Function;

/** Orders events so that each comes after those of the events it refers to that are among them. */
final class EventOrder {
    private static final Comparator<Pdu> BY_DEPTH =
            Comparator.comparingLong(Pdu::depth).thenComparing(Pdu::eventId);

    private EventOrder() {}

    /** Each event after its auth events among {@code events}: the order outliers go into the roomserver. */
    static List<Pdu> byAuthEvents(Collection<Pdu> events) {
        return sort(events, Pdu::authEvents);
    }

    /** Each event after its prev events among {@code events}: the order of the room's history. */
    static List<Pdu> byPrevEvents(Collection<Pdu> events) {
        return sort(events, Pdu::prevEvents);
    }

    /**
     * Kahn's topological sort over the references within {@code events}, lowest depth first among the ready ones.
     * Referenced events outside the set do not hold an event back (the roomserver judges what is missing); events in
     * a cycle, which no valid room has, come last by depth.
     */
    private static List<Pdu> sort(Collection<Pdu> events, Function<Pdu, List<String>> references) {
        Map<String, Pdu> byId = new HashMap<>();
        events.forEach(pdu -> byId.putIfAbsent(pdu.eventId(), pdu));
        Map<String, Integer> waitingOn = new HashMap<>();
        Map<String, List<Pdu>> dependents = new HashMap<>();
        PriorityQueue<Pdu> ready = new PriorityQueue<>(BY_DEPTH);
        for (Pdu pdu : byId.values()) {
            int count = 0;
            for (String referenced : new HashSet<>(references.apply(pdu))) {
                if (byId.containsKey(referenced) && !referenced.equals(pdu.eventId())) {
                    count++;
                    dependents
                            .computeIfAbsent(referenced, id -> new ArrayList<>())
                            .add(pdu);
                }
            }
            waitingOn.put(pdu.eventId(), count);
            if (count == 0) {
                ready.add(pdu);
            }
        }
        List<Pdu> sorted = new ArrayList<>(byId.size());
        Set<String> done = new HashSet<>();
        while (!ready.isEmpty()) {
            Pdu next = ready.poll();
            sorted.add(next);
            done.add(next.eventId());
            for (Pdu dependent : dependents.getOrDefault(next.eventId(), List.of())) {
                if (waitingOn.merge(dependent.eventId(), -1, Integer::sum) == 0) {
                    ready.add(dependent);
                }
            }
        }
        byId.values().stream()
                .filter(pdu -> !done.contains(pdu.eventId()))
                .sorted(BY_DEPTH)
                .forEach(sorted::add);
        return sorted;
    }
}
