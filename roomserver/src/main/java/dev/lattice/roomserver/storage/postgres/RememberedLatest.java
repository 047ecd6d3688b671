package dev.lattice.roomserver.storage.postgres;

import dev.lattice.protocol.auth.StateKey;
import dev.lattice.roomserver.storage.RoomserverDatabase.Extremity;
import dev.lattice.roomserver.storage.RoomserverDatabase.Latest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a new event of each room is built from ({@link Latest}: its forward extremities, and the current state's
 * entries asked for so far), remembered by the only process writing them: read once, then kept up to date by the
 * writes themselves, so that sending into a room does not read them again for every event.
 *
 * <p>A room's entry is changed by each write of it, applying the write's changes once it committed ({@link #written});
 * a write that failed (its outcome unknown) forgets the room ({@link #writtenUnknown}). A read fills an entry only when no write of any room
 * began or ended while it ran, and none of the room is in flight: what it read may be from before a write that then
 * committed. Between a write's commit and {@link #written}, a room answers as before the write, as a read just before
 * the commit would have.
 *
 * <p>Only for a process that is the only writer of {@code roomserver.forward_extremities} and {@code
 * roomserver.current_state} (the all-in-one's roomserver): another writer's changes would never be seen.
 */
final class RememberedLatest {
    /** A state key the room's current state has no entry for (a map cannot hold null). */
    private static final String ABSENT = "";

    private static final Comparator<Extremity> DEEPEST_FIRST =
            Comparator.comparingLong(Extremity::depth).reversed().thenComparing(Extremity::eventId);

    /** A room's remembered extremities, deepest first, and its current state at the keys read or written so far. */
    private record Room(List<Extremity> extremities, Map<StateKey, String> state) {}

    private final Map<String, Room> rooms;
    /** The rooms with writes in flight, with how many. */
    private final Map<String, Integer> writing = new HashMap<>();
    /** Moved at the start and the end of every write: a read that saw it unchanged overlapped none. */
    private long writes;

    RememberedLatest(int maxRooms) {
        if (maxRooms < 1) {
            throw new IllegalArgumentException("maxRooms must be positive");
        }
        this.rooms = new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Room> eldest) {
                return size() > maxRooms;
            }
        };
    }

    /** The room's latest at {@code keys}, when remembered for all of them. */
    synchronized Optional<Latest> get(String roomId, Collection<StateKey> keys) {
        Room room = rooms.get(roomId);
        if (room == null) {
            return Optional.empty();
        }
        Map<StateKey, String> state = new HashMap<>();
        for (StateKey key : keys) {
            String eventId = room.state().get(key);
            if (eventId == null) {
                return Optional.empty();
            }
            if (!eventId.equals(ABSENT)) {
                state.put(key, eventId);
            }
        }
        return Optional.of(new Latest(room.extremities(), Map.copyOf(state)));
    }

    /** Where a read starts: hand the result to {@link #read} with it. */
    synchronized long readStarts() {
        return writes;
    }

    /** Remembers what a read that started at {@code start} found for {@code keys}, unless a write overlapped it. */
    synchronized void read(String roomId, long start, Collection<StateKey> keys, Latest latest) {
        if (start != writes || writing.containsKey(roomId)) {
            return;
        }
        Room room = rooms.get(roomId);
        Map<StateKey, String> state = room == null ? new HashMap<>() : room.state();
        for (StateKey key : keys) {
            state.put(key, latest.state().getOrDefault(key, ABSENT));
        }
        rooms.put(roomId, new Room(latest.extremities(), state));
    }

    /** A write of the room begins. */
    synchronized void writeStarts(String roomId) {
        writes++;
        writing.merge(roomId, 1, Integer::sum);
    }

    /**
     * A write of the room committed: {@code removes} are extremities no more, {@code adds} is one (if present), and
     * the current state's entries {@code stateAdds} are set and {@code stateRemoves} gone.
     */
    synchronized void written(
            String roomId,
            Collection<String> removes,
            Optional<Extremity> adds,
            Map<StateKey, String> stateAdds,
            Collection<StateKey> stateRemoves) {
        writeEnds(roomId);
        Room room = rooms.get(roomId);
        if (room == null) {
            return;
        }
        List<Extremity> extremities = new ArrayList<>();
        for (Extremity extremity : room.extremities()) {
            if (!removes.contains(extremity.eventId())) {
                extremities.add(extremity);
            }
        }
        adds.filter(added -> extremities.stream().noneMatch(e -> e.eventId().equals(added.eventId())))
                .ifPresent(extremities::add);
        extremities.sort(DEEPEST_FIRST);
        stateRemoves.forEach(key -> room.state().put(key, ABSENT));
        room.state().putAll(stateAdds);
        rooms.put(roomId, new Room(List.copyOf(extremities), room.state()));
    }

    /**
     * A write of the room ended without saying what it changed: it failed or was cancelled (perhaps after its commit),
     * or it changed the room in ways not tracked here (the state a partial room lacked). The room is read again.
     */
    synchronized void writtenUnknown(String roomId) {
        writeEnds(roomId);
        rooms.remove(roomId);
    }

    private void writeEnds(String roomId) {
        writes++;
        writing.computeIfPresent(roomId, (room, n) -> n == 1 ? null : n - 1);
    }
}
