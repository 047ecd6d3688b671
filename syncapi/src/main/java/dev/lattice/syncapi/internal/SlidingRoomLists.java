package dev.lattice.syncapi.internal;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The sliding window lists of Simplified Sliding Sync, worked out from facts about the user's rooms: each list's rooms
 * (those its filters keep), ordered by {@code bump_stamp}, newest first, and which of them its ranges cover. Pure: the
 * facts are read by {@link SlidingSync}.
 */
public final class SlidingRoomLists {
    /** Newest activity first; the room ID settles ties, so that the order is the same on every request. */
    static final Comparator<Room> BY_RECENCY =
            Comparator.comparingLong(Room::bumpStamp).reversed().thenComparing(Room::roomId);

    private SlidingRoomLists() {}

    /**
     * What a list's filters and ordering need to know of a room.
     *
     * @param membership the user's membership ({@code join}, {@code invite}, {@code knock}, {@code leave}, {@code ban})
     * @param bumpStamp where the room sorts: the position of its newest event of a type that bumps it
     * @param roomType the create event's {@code type}; empty for a room without one, or when no filter asked
     * @param spaces the spaces (of those the lists filter on) that list the room as a child
     * @param tags the user's tags on the room (when a list filters on tags)
     */
    public record Room(
            String roomId,
            String membership,
            long bumpStamp,
            boolean dm,
            boolean encrypted,
            Optional<String> roomType,
            Set<String> spaces,
            Set<String> tags) {
        public Room {
            requireNonNull(roomId, "roomId is null");
            requireNonNull(membership, "membership is null");
            requireNonNull(roomType, "roomType is null");
            spaces = Set.copyOf(spaces);
            tags = Set.copyOf(tags);
        }
    }

    /** A list's answer: how many rooms it holds, and those its ranges cover, in list order. */
    public record Window(long count, List<String> roomIds) {
        public Window {
            roomIds = List.copyOf(roomIds);
        }
    }

    /** Each list's window over {@code rooms}, by list name. */
    public static Map<String, Window> windows(Map<String, SlidingSyncRequest.ListSpec> lists, List<Room> rooms) {
        List<Room> ordered = new ArrayList<>(rooms);
        ordered.sort(BY_RECENCY);
        Map<String, Window> out = new LinkedHashMap<>();
        lists.forEach((name, list) -> {
            List<Room> kept = ordered.stream()
                    .filter(room -> matches(list.filters(), room))
                    .toList();
            Set<String> covered = new LinkedHashSet<>();
            for (SlidingSyncRequest.Range range : list.ranges()) {
                // Ranges beyond the list (a client asking for [0, 10^9]) cost nothing: only rooms that exist are read.
                long end = Math.min(range.end(), kept.size() - 1L);
                for (long i = range.start(); i <= end; i++) {
                    covered.add(kept.get((int) i).roomId());
                }
            }
            out.put(name, new Window(kept.size(), new ArrayList<>(covered)));
        });
        return out;
    }

    static boolean matches(SlidingSyncRequest.ListFilters filters, Room room) {
        if (filters.isInvite().isPresent()
                && filters.isInvite().get() != room.membership().equals("invite")) {
            return false;
        }
        if (filters.isDm().isPresent() && filters.isDm().get() != room.dm()) {
            return false;
        }
        if (filters.isEncrypted().isPresent() && filters.isEncrypted().get() != room.encrypted()) {
            return false;
        }
        if (filters.roomTypes().isPresent() && !filters.roomTypes().get().contains(room.roomType())) {
            return false;
        }
        if (filters.notRoomTypes().contains(room.roomType())) {
            return false;
        }
        if (filters.spaces().isPresent() && filters.spaces().get().stream().noneMatch(room.spaces()::contains)) {
            return false;
        }
        if (filters.notTags().stream().anyMatch(room.tags()::contains)) {
            return false; // not_tags wins over tags
        }
        return filters.tags().isEmpty() || filters.tags().get().stream().anyMatch(room.tags()::contains);
    }
}
