package dev.lattice.syncapi.internal;

import static java.util.Objects.requireNonNull;

import dev.lattice.syncapi.storage.StateSpan;
import dev.lattice.syncapi.storage.SyncApiDatabase;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Whose device lists a user must re-fetch between two points: {@code /sync}'s {@code device_lists} and
 * {@code GET /keys/changes}. The spec's rules, from the syncapi's room state:
 * <ul>
 *   <li>{@code changed}: users sharing a joined room with the user at the end whose devices or keys changed in
 *       between (the user too, for its own other devices), and users the user started sharing a room with (they
 *       joined one of the user's rooms, or the user joined one of theirs).
 *   <li>{@code left}: users who stopped sharing any room with the user (they left or were banned from a room of the
 *       user's, or the user left theirs) and share none at the end.
 * </ul>
 */
public final class DeviceLists {

    /** The answer: sorted user IDs. */
    public record Delta(Set<String> changed, Set<String> left) {
        public boolean isEmpty() {
            return changed.isEmpty() && left.isEmpty();
        }
    }

    private final SyncApiDatabase database;

    public DeviceLists(SyncApiDatabase database) {
        this.database = requireNonNull(database, "database is null");
    }

    /**
     * @param eventsFrom the room events position the client is at
     * @param eventsTo the room events position the answer goes up to
     * @param devicesFrom the device lists position the client is at
     * @param devicesTo the device lists position the answer goes up to
     */
    public Mono<Delta> between(String user, long eventsFrom, long eventsTo, long devicesFrom, long devicesTo) {
        Mono<Map<String, StateSpan>> atEventsFrom =
                database.membershipsAt(user, eventsFrom).cache();
        Mono<Map<String, StateSpan>> atEventsTo =
                database.membershipsAt(user, eventsTo).cache();
        return between(
                user,
                atEventsFrom,
                atEventsTo,
                memberChanges(database, atEventsFrom, atEventsTo, eventsFrom, eventsTo),
                eventsFrom,
                eventsTo,
                devicesFrom,
                devicesTo);
    }

    /**
     * The member spans that began in ({@code eventsFrom}, {@code eventsTo}] in every room the user was joined to at
     * either position, given the user's memberships at both.
     */
    static Mono<List<StateSpan>> memberChanges(
            SyncApiDatabase database,
            Mono<Map<String, StateSpan>> atEventsFrom,
            Mono<Map<String, StateSpan>> atEventsTo,
            long eventsFrom,
            long eventsTo) {
        if (eventsTo <= eventsFrom) {
            return Mono.just(List.of());
        }
        return Mono.zip(atEventsFrom, atEventsTo).flatMap(both -> {
            Set<String> rooms = joined(both.getT1());
            rooms.addAll(joined(both.getT2()));
            return database.memberChanges(rooms, eventsFrom, eventsTo);
        });
    }

    /**
     * As {@link #between(String, long, long, long, long)}, with what a {@code /sync} attempt has read of the user's
     * rooms for its room events too: the user's memberships at both room events positions, and the member changes in
     * between in the rooms joined at either ({@link #memberChanges}).
     */
    public Mono<Delta> between(
            String user,
            Mono<Map<String, StateSpan>> atEventsFrom,
            Mono<Map<String, StateSpan>> atEventsTo,
            Mono<List<StateSpan>> memberChanges,
            long eventsFrom,
            long eventsTo,
            long devicesFrom,
            long devicesTo) {
        Mono<Set<String>> joinedBefore = atEventsFrom.map(DeviceLists::joined);
        Mono<Set<String>> joinedAfter = atEventsTo.map(DeviceLists::joined);
        Mono<List<String>> deviceChanges =
                devicesTo > devicesFrom ? database.deviceListChanges(devicesFrom, devicesTo) : Mono.just(List.of());
        return Mono.zip(joinedBefore, joinedAfter, deviceChanges, memberChanges)
                .flatMap(loaded -> delta(
                        user, loaded.getT1(), loaded.getT2(), loaded.getT3(), loaded.getT4(), eventsFrom, eventsTo));
    }

    private Mono<Delta> delta(
            String user,
            Set<String> joinedBefore,
            Set<String> joinedAfter,
            List<String> deviceChanges,
            List<StateSpan> memberChanges,
            long eventsFrom,
            long eventsTo) {
        Set<String> maybeChanged = new HashSet<>(deviceChanges);
        Set<String> maybeLeft = new HashSet<>();
        // Rooms the user joined in between (a rejoin too): everyone in them may be new to the user.
        Set<String> enteredRooms = new HashSet<>();
        // Rooms the user left in between: everyone in them may be gone.
        Set<String> exitedRooms = new HashSet<>(joinedBefore);
        exitedRooms.removeAll(joinedAfter);
        for (StateSpan span : memberChanges) {
            boolean join = span.membershipOrEmpty().equals("join");
            if (span.stateKey().equals(user)) {
                if (join && joinedAfter.contains(span.roomId())) {
                    enteredRooms.add(span.roomId());
                }
            } else if (join) {
                maybeChanged.add(span.stateKey());
            } else {
                maybeLeft.add(span.stateKey());
            }
        }
        Mono<Set<String>> entered = membersOf(enteredRooms, eventsTo);
        Mono<Set<String>> exited = membersOf(exitedRooms, eventsFrom);
        return Mono.zip(entered, exited).flatMap(members -> {
            maybeChanged.addAll(members.getT1());
            maybeLeft.addAll(members.getT2());
            maybeChanged.remove(user);
            maybeLeft.remove(user);
            Set<String> candidates = new HashSet<>(maybeChanged);
            candidates.addAll(maybeLeft);
            return database.usersSharingRooms(user, candidates, eventsTo).map(sharing -> {
                Set<String> changed = new TreeSet<>();
                for (String other : maybeChanged) {
                    if (sharing.contains(other)) {
                        changed.add(other);
                    }
                }
                if (deviceChanges.contains(user)) {
                    changed.add(user);
                }
                Set<String> left = new TreeSet<>();
                for (String other : maybeLeft) {
                    if (!sharing.contains(other)) {
                        left.add(other);
                    }
                }
                return new Delta(changed, left);
            });
        });
    }

    /** Everyone joined to these rooms at {@code position}. */
    private Mono<Set<String>> membersOf(Set<String> rooms, long position) {
        return Flux.fromIterable(rooms)
                .flatMap(room -> database.stateAt(room, position), 4)
                .flatMapIterable(state -> state)
                .filter(span -> span.type().equals("m.room.member")
                        && span.membershipOrEmpty().equals("join"))
                .map(StateSpan::stateKey)
                .collect(Collectors.toSet());
    }

    /** The rooms of these memberships that are joins (a set that may be changed). */
    static Set<String> joined(Map<String, StateSpan> memberships) {
        return memberships.values().stream()
                .filter(span -> span.membershipOrEmpty().equals("join"))
                .map(StateSpan::roomId)
                .collect(Collectors.toCollection(HashSet::new));
    }
}
