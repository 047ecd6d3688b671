package dev.lattice.syncapi.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SlidingRoomListsTest {
    private static final SlidingSyncRequest.RoomConfig CONFIG =
            new SlidingSyncRequest.RoomConfig(1, RequiredState.NONE);

    private static SlidingRoomLists.Room room(String id, String membership, long bump, boolean dm, String type) {
        return room(id, membership, bump, dm, type, Set.of(), Set.of());
    }

    private static SlidingRoomLists.Room room(
            String id, String membership, long bump, boolean dm, String type, Set<String> spaces, Set<String> tags) {
        return new SlidingRoomLists.Room(id, membership, bump, dm, false, Optional.ofNullable(type), spaces, tags);
    }

    private static final List<SlidingRoomLists.Room> ROOMS = List.of(
            room("!a:x", "join", 10, false, null),
            room("!b:x", "join", 30, true, null),
            room("!c:x", "invite", 20, false, null),
            room("!d:x", "join", 30, false, "m.space"),
            room("!e:x", "join", 5, true, null, Set.of("!space:x"), Set.of("m.favourite", "u.work")),
            room("!f:x", "join", 4, false, null, Set.of("!space:x", "!other:x"), Set.of("m.lowpriority")));

    private static SlidingSyncRequest.ListSpec list(SlidingSyncRequest.ListFilters filters, long... bounds) {
        List<SlidingSyncRequest.Range> ranges = new java.util.ArrayList<>();
        for (int i = 0; i < bounds.length; i += 2) {
            ranges.add(new SlidingSyncRequest.Range(bounds[i], bounds[i + 1]));
        }
        return new SlidingSyncRequest.ListSpec(ranges, CONFIG, filters);
    }

    @Test
    void newestFirstWithTheRoomIdSettlingTies() {
        Map<String, SlidingRoomLists.Window> windows = SlidingRoomLists.windows(
                Map.of("all", list(SlidingSyncRequest.ListFilters.NONE, 0, 1_000_000_000)), ROOMS);
        assertThat(windows.get("all").count()).isEqualTo(6);
        assertThat(windows.get("all").roomIds()).containsExactly("!b:x", "!d:x", "!c:x", "!a:x", "!e:x", "!f:x");
    }

    @Test
    void rangesCoverTheirPositionsOnceEach() {
        Map<String, SlidingRoomLists.Window> windows = SlidingRoomLists.windows(
                Map.of("all", list(SlidingSyncRequest.ListFilters.NONE, 1, 2, 2, 3, 9, 12)), ROOMS);
        assertThat(windows.get("all").roomIds()).containsExactly("!d:x", "!c:x", "!a:x");
    }

    private static SlidingSyncRequest.ListFilters filters(
            Optional<Boolean> dm,
            Optional<Boolean> encrypted,
            Optional<Boolean> invite,
            Optional<List<Optional<String>>> types,
            List<Optional<String>> notTypes) {
        return new SlidingSyncRequest.ListFilters(
                dm, encrypted, invite, types, notTypes, Optional.empty(), Optional.empty(), List.of());
    }

    @Test
    void spacesAndTagsKeepTheirRoomsAndNotTagsWins() {
        SlidingSyncRequest.ListFilters inSpace = new SlidingSyncRequest.ListFilters(
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                List.of(),
                Optional.of(List.of("!other:x")),
                Optional.empty(),
                List.of());
        SlidingSyncRequest.ListFilters favourites = new SlidingSyncRequest.ListFilters(
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                List.of(),
                Optional.empty(),
                Optional.of(List.of("m.favourite", "m.lowpriority")),
                List.of("u.work"));
        SlidingSyncRequest.ListFilters notLow = new SlidingSyncRequest.ListFilters(
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                List.of(),
                Optional.empty(),
                Optional.empty(),
                List.of("m.lowpriority"));
        Map<String, SlidingRoomLists.Window> windows = SlidingRoomLists.windows(
                Map.of(
                        "space",
                        list(inSpace, 0, 9),
                        "favourites",
                        list(favourites, 0, 9),
                        "notLow",
                        list(notLow, 0, 9)),
                ROOMS);
        assertThat(windows.get("space").roomIds()).containsExactly("!f:x");
        assertThat(windows.get("favourites").roomIds()).containsExactly("!f:x");
        assertThat(windows.get("notLow").roomIds()).containsExactly("!b:x", "!d:x", "!c:x", "!a:x", "!e:x");
    }

    @Test
    void filtersKeepOnlyMatchingRoomsAndCountThem() {
        SlidingSyncRequest.ListFilters dms =
                filters(Optional.of(true), Optional.empty(), Optional.empty(), Optional.empty(), List.of());
        SlidingSyncRequest.ListFilters invites =
                filters(Optional.empty(), Optional.empty(), Optional.of(true), Optional.empty(), List.of());
        SlidingSyncRequest.ListFilters noSpaces = filters(
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                List.of(Optional.of("m.space")));
        SlidingSyncRequest.ListFilters untypedOnly = filters(
                Optional.empty(),
                Optional.empty(),
                Optional.of(false),
                Optional.of(List.of(Optional.empty())),
                List.of());
        Map<String, SlidingRoomLists.Window> windows = SlidingRoomLists.windows(
                Map.of(
                        "dms", list(dms, 0, 0),
                        "invites", list(invites, 0, 9),
                        "noSpaces", list(noSpaces, 0, 9),
                        "untyped", list(untypedOnly, 0, 9)),
                ROOMS);
        assertThat(windows.get("dms").count()).isEqualTo(2);
        assertThat(windows.get("dms").roomIds()).containsExactly("!b:x");
        assertThat(windows.get("invites").roomIds()).containsExactly("!c:x");
        assertThat(windows.get("noSpaces").roomIds()).containsExactly("!b:x", "!c:x", "!a:x", "!e:x", "!f:x");
        assertThat(windows.get("untyped").roomIds()).containsExactly("!b:x", "!a:x", "!e:x", "!f:x");
    }
}
