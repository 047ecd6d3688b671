package dev.lattice.syncapi.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Who types in which room, in memory (typing is worth nothing after a restart), with the typing stream's positions:
 * every change to a room's typing users takes the next position, and {@code /sync} sends a room's list when it
 * changed after the client's {@code since}.
 *
 * <p>Positions start at the wall clock in milliseconds when the process starts, so a token written before a restart
 * is (short of a thousand changes a second sustained) below every position after it, and the client gets the current
 * typing users again rather than missing them. A token from another process, above this one's position, makes
 * {@link #changedAfter} answer every room that has typing users.
 */
public final class TypingRooms {

    /** One room's typing users (user → expiry, epoch millis) and the position of its last change. */
    private static final class Room {
        private final Map<String, Long> expiries = new TreeMap<>();
        private long changed;
    }

    /** A room whose typing users changed, at {@code position}. */
    public record Change(String roomId, long position) {}

    private final Map<String, Room> rooms = new HashMap<>();
    private long position;

    /** @param startMillis the first position less one: the wall clock when the process starts */
    public TypingRooms(long startMillis) {
        this.position = startMillis;
    }

    /** The position of the newest change. */
    public synchronized long position() {
        return position;
    }

    /**
     * Records that the user started (until {@code expiresAt}) or stopped typing.
     *
     * @return the change, when the room's list of typing users changed (a renewed timeout changes nothing visible)
     */
    public synchronized Optional<Change> update(String roomId, String userId, boolean typing, long expiresAt) {
        Room room = rooms.computeIfAbsent(roomId, id -> new Room());
        boolean changed;
        if (typing) {
            changed = room.expiries.put(userId, expiresAt) == null;
        } else {
            changed = room.expiries.remove(userId) != null;
        }
        if (!changed) {
            if (room.expiries.isEmpty() && room.changed == 0) {
                rooms.remove(roomId);
            }
            return Optional.empty();
        }
        room.changed = ++position;
        return Optional.of(new Change(roomId, room.changed));
    }

    /** Removes every user whose typing expired at {@code now}: the changes, one per room. */
    public synchronized List<Change> expire(long now) {
        List<Change> changes = new ArrayList<>();
        for (Map.Entry<String, Room> entry : rooms.entrySet()) {
            Room room = entry.getValue();
            if (room.expiries.values().removeIf(expiry -> expiry <= now)) {
                room.changed = ++position;
                changes.add(new Change(entry.getKey(), room.changed));
            }
        }
        return changes;
    }

    /** The users typing in the room now, sorted. */
    public synchronized List<String> typing(String roomId) {
        Room room = rooms.get(roomId);
        return room == null ? List.of() : List.copyOf(room.expiries.keySet());
    }

    /**
     * Of {@code roomIds}, the rooms whose typing users changed in ({@code since}, {@code to}], with their users now;
     * with no {@code since}, or a {@code since} this process never reached, the rooms where someone types.
     */
    public synchronized Map<String, List<String>> changedAfter(
            Iterable<String> roomIds, Optional<Long> since, long to) {
        boolean snapshot = since.isEmpty() || since.get() > position;
        Map<String, List<String>> out = new TreeMap<>();
        for (String roomId : roomIds) {
            Room room = rooms.get(roomId);
            if (room == null) {
                continue;
            }
            boolean include = snapshot ? !room.expiries.isEmpty() : room.changed > since.get() && room.changed <= to;
            if (include) {
                out.put(roomId, List.copyOf(room.expiries.keySet()));
            }
        }
        return out;
    }
}
