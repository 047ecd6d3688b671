package dev.lattice.syncapi.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lattice.protocol.auth.StateKey;
import dev.lattice.syncapi.storage.StateSpan;
import dev.lattice.syncapi.storage.StoredEvent;
import dev.lattice.syncapi.storage.StoredPositions;
import dev.lattice.syncapi.storage.SyncApiDatabase;
import dev.lattice.testing.TestInfra;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.r2dbc.core.DatabaseClient;

class RoomStateTableIT {
    private static DatabaseClient client;
    private static RoomStateTable table;
    private static OutputRoomEventsTable events;

    @BeforeAll
    static void migrate() {
        client = TestInfra.migrated("syncapi").client();
        table = new RoomStateTable(client);
        events = new OutputRoomEventsTable(client);
    }

    private static String fresh(String sigil) {
        return sigil + UUID.randomUUID() + ":example.org";
    }

    /** Ends (type, key)'s current entry at {@code position} and makes {@code eventId} current from there. */
    private static void set(String room, String type, String key, String eventId, String membership, long position) {
        table.closeCurrent(room, List.of(StateKey.of(type, key)), position)
                .then(table.insert(
                        room,
                        List.of(new RoomStateTable.NewEntry(
                                type, key, eventId, Optional.ofNullable(membership), position))))
                .block();
    }

    @Test
    void stateAtAPositionIsTheSpansCoveringIt() {
        String room = fresh("!");
        set(room, "m.room.name", "", "$n1", null, 10);
        set(room, "m.room.topic", "", "$t1", null, 11);
        set(room, "m.room.name", "", "$n2", null, 20);
        assertThat(table.selectStateAt(room, 9).block()).isEmpty();
        assertThat(table.selectStateAt(room, 15).block())
                .extracting(StateSpan::eventId)
                .containsExactlyInAnyOrder("$n1", "$t1");
        assertThat(table.selectStateAt(room, 20).block())
                .extracting(StateSpan::eventId)
                .containsExactlyInAnyOrder("$n2", "$t1");
        assertThat(table.selectEntryAt(room, "m.room.name", "", 19)
                        .block()
                        .orElseThrow()
                        .eventId())
                .isEqualTo("$n1");
        assertThat(table.selectCurrent(room, "m.room.name", "")
                        .block()
                        .orElseThrow()
                        .removedPosition())
                .isEmpty();
        table.closeEvents(room, List.of("$t1"), 30).block();
        assertThat(table.selectCurrent(room, "m.room.topic", "").block()).isEmpty();
        assertThat(table.selectStateAt(room, 29).block())
                .extracting(StateSpan::eventId)
                .contains("$t1");
    }

    @Test
    void theStateAddedBetweenTwoPositionsIsWhatAClientAtTheFirstLacks() {
        String room = fresh("!");
        String alice = fresh("@");
        String bob = fresh("@");
        String n1 = fresh("$"),
                n2 = fresh("$"),
                a1 = fresh("$"),
                b1 = fresh("$"),
                b2 = fresh("$"),
                t1 = fresh("$"),
                t2 = fresh("$");
        set(room, "m.room.name", "", n1, null, 10);
        set(room, "m.room.member", alice, a1, "join", 11);
        set(room, "m.room.member", bob, b1, "join", 12);
        set(room, "m.room.name", "", n2, null, 20);
        set(room, "m.room.topic", "", t1, null, 21);
        set(room, "m.room.topic", "", t2, null, 22); // replaced before the second position: not in its state
        set(room, "m.room.member", bob, b2, "leave", 23);
        // A state resolution taking the name back to $n1, which a client at 15 already holds.
        set(room, "m.room.name", "", n1, null, 24);
        assertThat(stateSince(room, 15, 25).changed())
                .extracting(StateSpan::eventId)
                .containsExactlyInAnyOrder(t2, b2);
        assertThat(stateSince(room, 20, 21).changed())
                .extracting(StateSpan::eventId)
                .containsExactly(t1);
        assertThat(stateSince(room, 25, 25).changed()).isEmpty();
        // Member events at a position, of some users only.
        assertThat(table.selectMembersAt(room, List.of(alice, bob, fresh("@")), 15)
                        .block())
                .extracting(StateSpan::eventId)
                .containsExactlyInAnyOrder(a1, b1);
        assertThat(table.selectMembersAt(room, List.of(bob), 25).block())
                .extracting(StateSpan::eventId)
                .containsExactly(b2);
        assertThat(table.selectMembersAt(room, List.of(), 25).block()).isEmpty();
    }

    @Test
    void onlyOneCurrentEntryPerStateKey() {
        String room = fresh("!");
        table.insert(room, List.of(new RoomStateTable.NewEntry("m.room.name", "", "$a", Optional.empty(), 1)))
                .block();
        assertThatThrownBy(() -> table.insert(
                                room,
                                List.of(new RoomStateTable.NewEntry("m.room.name", "", "$b", Optional.empty(), 2)))
                        .block())
                .isInstanceOf(RuntimeException.class);
    }

    @Test
    void membershipsAcrossRoomsAndTime() {
        String user = fresh("@");
        String other = fresh("@");
        String roomA = fresh("!");
        String roomB = fresh("!");
        set(roomA, "m.room.member", user, "$a-invite", "invite", 100);
        set(roomA, "m.room.member", user, "$a-join", "join", 110);
        set(roomA, "m.room.member", other, "$a-other", "join", 111);
        set(roomB, "m.room.member", user, "$b-join", "join", 120);
        set(roomB, "m.room.member", user, "$b-leave", "leave", 130);

        assertThat(table.selectMembershipsAt(user, 115).block())
                .extracting(StateSpan::eventId)
                .containsExactly("$a-join");
        assertThat(table.selectMembershipsAt(user, 125).block())
                .extracting(StateSpan::eventId)
                .containsExactlyInAnyOrder("$a-join", "$b-join");
        assertThat(table.selectMembershipsAt(user, 130).block())
                .extracting(StateSpan::membershipOrEmpty)
                .containsExactlyInAnyOrder("join", "leave");
        assertThat(table.selectMembershipsChangedBetween(user, 110, 130).block())
                .extracting(StateSpan::eventId)
                .containsExactly("$b-join", "$b-leave");
        // A span that ended in between counts too: the invite the join replaced.
        assertThat(table.selectMembershipsChangedBetween(user, 100, 110).block())
                .extracting(StateSpan::eventId)
                .containsExactly("$a-invite", "$a-join");
        assertThat(table.selectMembershipsChangedBetween(user, 130, 200).block())
                .isEmpty();
        // Both in one read, as an incremental /sync makes it: the same answers.
        for (long[] between : new long[][] {{110, 130}, {100, 110}, {130, 200}, {100, 125}}) {
            var both = userRooms(user, between[0], between[1]);
            assertThat(both.at().values())
                    .containsExactlyInAnyOrderElementsOf(
                            table.selectMembershipsAt(user, between[1]).block());
            assertThat(both.changedSince())
                    .containsExactlyElementsOf(table.selectMembershipsChangedBetween(user, between[0], between[1])
                            .block());
        }
        assertThat(table.selectMembershipHistory(roomA, user).block())
                .extracting(StateSpan::eventId)
                .containsExactly("$a-invite", "$a-join");
        assertThat(table.selectMembershipHistory(roomA, user).block().getFirst().removedPosition())
                .contains(110L);

        assertThat(table.selectUsersToNotify(roomA, 200).block()).containsExactlyInAnyOrder(user, other);
        // Bob left room B at 130: he is told about that position, but not about later ones.
        assertThat(table.selectUsersToNotify(roomB, 130).block()).containsExactly(user);
        assertThat(table.selectUsersToNotify(roomB, 131).block()).isEmpty();
    }

    /**
     * The user's rooms in (after, position], as {@code /sync} reads them with the streams' positions: here the room
     * events position is given.
     */
    private static SyncApiDatabase.UserRooms userRooms(String user, long after, long position) {
        return positionsAndUserRooms(user, after, position, Optional.empty()).rooms();
    }

    /**
     * {@link #userRooms} with the positions read with them (the room events one given, the others 0), and with a
     * shape the sections of the rooms the user stayed joined to.
     */
    private static SyncApiDatabase.PositionsAndUserRooms positionsAndUserRooms(
            String user, long after, long position, Optional<SyncApiDatabase.SectionShape> sections) {
        return table.selectPositionsAndUserRoomsSince(
                        "SELECT CAST(" + position + " AS bigint) AS events",
                        row -> new StoredPositions(row.get("events", Long.class), 0, 0, 0, 0, 0),
                        user,
                        after,
                        sections)
                .block();
    }

    /** Push actions that notify the user with a highlight. */
    private static SyncApiDatabase.PushActionRows notifies(String user) {
        return new SyncApiDatabase.PushActionRows("", List.of(user), List.of(true), List.of("[]"), List.of(false), 1);
    }

    @Test
    void theSectionsReadWithTheUserRoomsAreThoseOfTheRoomsTheUserStayedJoinedToAsEachReadsAlone() {
        String user = fresh("@");
        String stayed = fresh("!");
        String renamed = fresh("!");
        String rejoined = fresh("!");
        String quiet = fresh("!");
        for (String room : List.of(stayed, renamed, rejoined, quiet)) {
            set(room, "m.room.member", user, fresh("$"), "join", message(room, user));
        }
        long since = message(stayed);
        long named = message(stayed);
        set(stayed, "m.room.name", "", fresh("$"), null, named);
        message(stayed);
        // A new display name: joined throughout. A leave and a join: rejoined, so its section is read whole.
        set(renamed, "m.room.member", user, fresh("$"), "join", message(renamed, user));
        set(rejoined, "m.room.member", user, fresh("$"), "leave", message(rejoined, user));
        set(rejoined, "m.room.member", user, fresh("$"), "join", message(rejoined, user));
        long position = message(stayed);
        new PushActionsTable(client)
                .insert(fresh("$"), stayed, position, notifies(user))
                .block();

        var shape = new SyncApiDatabase.SectionShape(2, false, true);
        var rooms =
                positionsAndUserRooms(user, since, position, Optional.of(shape)).rooms();
        assertThat(rooms.sections()).containsOnlyKeys(stayed, renamed);
        for (String room : List.of(stayed, renamed)) {
            var alone = events.selectRoomRangeWithStateSince(new SyncApiDatabase.SectionQuery(
                            room, since, position, 2, since, false, true, Optional.of(user)))
                    .block();
            var read = rooms.sections().get(room);
            assertThat(read.newestFirst())
                    .extracting(StoredEvent::eventId)
                    .containsExactlyElementsOf(alone.newestFirst().stream()
                            .map(StoredEvent::eventId)
                            .toList());
            assertThat(read.stateSince()).isEqualTo(alone.stateSince());
            assertThat(read.unreadCounts()).isEqualTo(alone.unreadCounts());
        }
        var section = rooms.sections().get(stayed);
        // Two shown and one more; the name changed before the shown ones; the notification after the since.
        assertThat(section.newestFirst()).hasSize(3);
        assertThat(section.stateSince().changed()).extracting(StateSpan::type).containsExactly("m.room.name");
        assertThat(section.unreadCounts().orElseThrow().total()).isEqualTo(new PushActionsTable.Counts(1, 1));
        // The rest of the read is as without sections.
        var without = userRooms(user, since, position);
        assertThat(without.sections()).isEmpty();
        assertThat(rooms.at()).isEqualTo(without.at());
        assertThat(rooms.changedSince()).isEqualTo(without.changedSince());
        assertThat(rooms.memberChanges()).containsExactlyInAnyOrderElementsOf(without.memberChanges());
        assertThat(rooms.hasEvents()).isEqualTo(without.hasEvents());
    }

    /** A message in the room, stored for its position: the positions below are the stream's, in order. */
    private static long message(String room) {
        return message(room, "@a:example.org");
    }

    private static long message(String room, String sender) {
        return events.insert(OutputRoomEventsTableIT.row(room, fresh("$"), sender, false, Optional.empty()))
                .block()
                .getAsLong();
    }

    /** The state at {@code position} that changed since {@code since}, read with an empty timeline ending there. */
    private static SyncApiDatabase.StateSince stateSince(String room, long since, long position) {
        return events.selectRoomRangeWithStateSince(new SyncApiDatabase.SectionQuery(
                        room, position, position, 0, since, false, false, Optional.empty()))
                .block()
                .stateSince();
    }

    @Test
    void aTimelineIsReadWithTheStateThatChangedBeforeItsStart() {
        String room = fresh("!");
        String alice = fresh("@");
        String bob = fresh("@");
        long p1 = message(room, alice);
        set(room, "m.room.member", alice, "$a1", "join", p1);
        long p2 = message(room, bob);
        set(room, "m.room.member", bob, "$b1", "join", p2);
        long since = p2;
        long p3 = message(room, alice);
        set(room, "m.room.name", "", "$n1", null, p3);
        long p4 = message(room, bob);
        long p5 = message(room, alice);
        set(room, "m.room.topic", "", "$t1", null, p5);

        // Three events read, two shown: the state at the second's start, p4 - 1, is the name's change.
        var read = events.selectRoomRangeWithStateSince(
                        new SyncApiDatabase.SectionQuery(room, since, p5, 2, since, false, true, Optional.empty()))
                .block();
        assertThat(read.newestFirst()).extracting(StoredEvent::position).containsExactly(p5, p4, p3);
        assertThat(read.stateSince().changed()).extracting(StateSpan::eventId).containsExactly("$n1");
        // Lazy members: the shown events' senders' member events, unchanged since though they are.
        assertThat(read.stateSince().membersOf()).containsExactlyInAnyOrder(alice, bob);
        assertThat(read.stateSince().members()).extracting(StateSpan::eventId).containsExactlyInAnyOrder("$a1", "$b1");

        // All three shown: the state at p3 - 1 is as at the since. Without lazy members, none are read.
        var all = events.selectRoomRangeWithStateSince(
                        new SyncApiDatabase.SectionQuery(room, since, p5, 3, since, false, false, Optional.empty()))
                .block();
        assertThat(all.newestFirst()).extracting(StoredEvent::position).containsExactly(p5, p4, p3);
        assertThat(all.stateSince().changed()).isEmpty();
        assertThat(all.stateSince().membersOf()).isEmpty();
        assertThat(all.stateSince().members()).isEmpty();

        // use_state_after: the state at the range's end, with the topic set by its last event.
        var after = events.selectRoomRangeWithStateSince(
                        new SyncApiDatabase.SectionQuery(room, since, p5, 2, since, true, false, Optional.empty()))
                .block();
        assertThat(after.stateSince().changed()).extracting(StateSpan::eventId).containsExactlyInAnyOrder("$n1", "$t1");

        // Only the sender of the one event shown.
        var one = events.selectRoomRangeWithStateSince(
                        new SyncApiDatabase.SectionQuery(room, since, p5, 1, since, false, true, Optional.empty()))
                .block();
        assertThat(one.newestFirst()).extracting(StoredEvent::position).containsExactly(p5, p4);
        assertThat(one.stateSince().members()).extracting(StateSpan::eventId).containsExactly("$a1");
        assertThat(one.stateSince().changed()).extracting(StateSpan::eventId).containsExactly("$n1");

        // With the unread counts of a user in the room: as their separate read, and none for a user without any.
        String carol = fresh("@");
        new PushActionsTable(client)
                .insert("$e" + p5, room, p5, notifies(carol))
                .block();
        var counted = events.selectRoomRangeWithStateSince(
                        new SyncApiDatabase.SectionQuery(room, since, p5, 2, since, false, false, Optional.of(carol)))
                .block();
        assertThat(counted.unreadCounts())
                .contains(new PushActionsTable(client)
                        .counts(carol, List.of(room))
                        .block()
                        .get(room));
        assertThat(counted.unreadCounts().orElseThrow().total()).isEqualTo(new PushActionsTable.Counts(1, 1));
        assertThat(counted.newestFirst()).extracting(StoredEvent::position).containsExactly(p5, p4, p3);
        assertThat(counted.stateSince().changed())
                .extracting(StateSpan::eventId)
                .containsExactly("$n1");
        assertThat(events.selectRoomRangeWithStateSince(new SyncApiDatabase.SectionQuery(
                                room, since, p5, 2, since, false, false, Optional.of(alice)))
                        .block()
                        .unreadCounts())
                .contains(PushActionsTable.RoomCounts.NONE);
        assertThat(read.unreadCounts()).isEmpty();

        // No event in the range: the state at its end.
        var none = events.selectRoomRangeWithStateSince(
                        new SyncApiDatabase.SectionQuery(room, p5, p5, 2, since, false, true, Optional.empty()))
                .block();
        assertThat(none.newestFirst()).isEmpty();
        assertThat(none.stateSince().changed()).extracting(StateSpan::eventId).containsExactlyInAnyOrder("$n1", "$t1");
        assertThat(none.stateSince().members()).isEmpty();
    }

    @Test
    void theUserRoomsReadIsTheSeparateReadsInOne() {
        String user = fresh("@");
        String other = fresh("@");
        String quiet = fresh("!"), busy = fresh("!"), left = fresh("!"), entered = fresh("!");
        set(quiet, "m.room.member", user, "$q-join", "join", message(quiet));
        set(busy, "m.room.member", user, "$b-join", "join", message(busy));
        set(left, "m.room.member", user, "$l-join", "join", message(left));
        set(busy, "m.room.member", other, "$b-other", "join", message(busy));
        long since = message(fresh("!"));
        message(busy);
        set(entered, "m.room.member", other, "$e-other", "join", message(entered));
        set(left, "m.room.member", user, "$l-leave", "leave", message(left));
        set(entered, "m.room.member", user, "$e-join", "join", message(entered));
        long position = message(fresh("!"));

        var rooms = userRooms(user, since, position);
        assertThat(rooms.at().values())
                .extracting(StateSpan::eventId)
                .containsExactlyInAnyOrder("$q-join", "$b-join", "$l-leave", "$e-join");
        assertThat(rooms.changedSince())
                .containsExactlyElementsOf(table.selectMembershipsChangedBetween(user, since, position)
                        .block());
        assertThat(rooms.changedSince())
                .extracting(StateSpan::eventId)
                .containsExactly("$l-join", "$l-leave", "$e-join");
        // In the rooms joined at either position: not the member event before since.
        assertThat(rooms.memberChanges())
                .containsExactlyInAnyOrderElementsOf(
                        table.selectMemberChanges(List.of(quiet, busy, left, entered), since, position)
                                .block());
        assertThat(rooms.memberChanges())
                .extracting(StateSpan::eventId)
                .containsExactlyInAnyOrder("$e-other", "$l-leave", "$e-join");
        assertThat(rooms.hasEvents())
                .containsExactlyInAnyOrderEntriesOf(
                        java.util.Map.of(quiet, false, busy, true, left, true, entered, true));
        assertThat(events.selectRoomsWithEvents(List.of(quiet, busy, left, entered), since, position)
                        .block())
                .containsExactlyInAnyOrder(busy, left, entered);
        // Nothing in between: the memberships only.
        var same = userRooms(user, position, position);
        assertThat(same.at()).isEqualTo(rooms.at());
        assertThat(same.changedSince()).isEmpty();
        assertThat(same.memberChanges()).isEmpty();
        assertThat(same.hasEvents()).isEmpty();
        // A user in no room: the positions are read all the same.
        var nowhere = positionsAndUserRooms(fresh("@"), since, position, Optional.empty());
        assertThat(nowhere.positions().events()).isEqualTo(position);
        assertThat(nowhere.rooms().at()).isEmpty();
        assertThat(nowhere.rooms().hasEvents()).isEmpty();
    }

    @Test
    void replacesManyEntriesInTwoStatements() {
        String room = fresh("!");
        List<RoomStateTable.NewEntry> joins = new java.util.ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            joins.add(new RoomStateTable.NewEntry("m.room.member", "@u" + i + ":t", "$j" + i, Optional.of("join"), 5));
        }
        table.insert(room, joins).block();
        List<RoomStateTable.NewEntry> leaves = joins.subList(0, 1000).stream()
                .map(j -> new RoomStateTable.NewEntry(
                        j.type(), j.stateKey(), "$l" + j.stateKey(), Optional.of("leave"), 9))
                .toList();
        table.closeCurrent(
                        room,
                        leaves.stream()
                                .map(l -> StateKey.of(l.type(), l.stateKey()))
                                .toList(),
                        9)
                .then(table.insert(room, leaves))
                .block();

        assertThat(table.selectStateAt(room, 8).block())
                .extracting(StateSpan::membershipOrEmpty)
                .containsOnly("join")
                .hasSize(3000);
        assertThat(table.selectStateAt(room, 9).block())
                .extracting(StateSpan::membershipOrEmpty)
                .filteredOn("leave"::equals)
                .hasSize(1000);
        assertThat(table.selectStateAt(room, 9).block()).hasSize(3000);
    }
}
