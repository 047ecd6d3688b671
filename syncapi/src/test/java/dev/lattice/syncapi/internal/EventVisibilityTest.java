package dev.lattice.syncapi.internal;

import static dev.lattice.syncapi.internal.StoredEvents.event;
import static dev.lattice.syncapi.internal.StoredEvents.membership;
import static dev.lattice.syncapi.internal.StoredEvents.message;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.protocol.json.JsonObjectBuilder;
import dev.lattice.syncapi.storage.StateSpan;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The protocol's history visibility rules fed from a membership history (the spec's table: HistoryVisibilityTest). */
class EventVisibilityTest {
    private static final String BOB = "@bob:example.org";

    /** Bob was invited at 10, joined at 20, left at 30. */
    private static final List<StateSpan> INVITED_JOINED_LEFT = List.of(
            membership(BOB, "invite", 10, 20L), membership(BOB, "join", 20, 30L), membership(BOB, "leave", 30, null));

    @Test
    void worldReadableIsVisibleToAnyone() {
        assertThat(EventVisibility.canSee(message(5, "world_readable"), BOB, List.of()))
                .isTrue();
    }

    @Test
    void joinedShowsOnlyWhatHappenedWhileJoined() {
        assertThat(EventVisibility.canSee(message(5, "joined"), BOB, INVITED_JOINED_LEFT))
                .isFalse();
        assertThat(EventVisibility.canSee(message(15, "joined"), BOB, INVITED_JOINED_LEFT))
                .isFalse();
        assertThat(EventVisibility.canSee(message(25, "joined"), BOB, INVITED_JOINED_LEFT))
                .isTrue();
        assertThat(EventVisibility.canSee(message(35, "joined"), BOB, INVITED_JOINED_LEFT))
                .isFalse();
    }

    @Test
    void sharedShowsEverythingBeforeTheLastTimeJoinedButNothingAfterLeaving() {
        assertThat(EventVisibility.canSee(message(1, "shared"), BOB, INVITED_JOINED_LEFT))
                .isTrue();
        assertThat(EventVisibility.canSee(message(25, "shared"), BOB, INVITED_JOINED_LEFT))
                .isTrue();
        assertThat(EventVisibility.canSee(message(35, "shared"), BOB, INVITED_JOINED_LEFT))
                .isFalse();
        // Never joined: nothing shared.
        assertThat(EventVisibility.canSee(message(1, "shared"), BOB, List.of(membership(BOB, "invite", 10, null))))
                .isFalse();
    }

    @Test
    void invitedShowsFromTheInvite() {
        assertThat(EventVisibility.canSee(message(5, "invited"), BOB, INVITED_JOINED_LEFT))
                .isFalse();
        assertThat(EventVisibility.canSee(message(15, "invited"), BOB, INVITED_JOINED_LEFT))
                .isTrue();
        assertThat(EventVisibility.canSee(message(25, "invited"), BOB, INVITED_JOINED_LEFT))
                .isTrue();
        assertThat(EventVisibility.canSee(message(35, "invited"), BOB, INVITED_JOINED_LEFT))
                .isFalse();
    }

    @Test
    void ownMembershipEventsAreVisibleWhenBeforeOrAfterAllows() {
        var leave = event(
                30,
                "m.room.member",
                BOB,
                new JsonObjectBuilder().put("membership", "leave").build(),
                "joined");
        var join = event(
                20,
                "m.room.member",
                BOB,
                new JsonObjectBuilder().put("membership", "join").build(),
                "joined");
        assertThat(EventVisibility.canSee(leave, BOB, INVITED_JOINED_LEFT)).isTrue();
        assertThat(EventVisibility.canSee(join, BOB, INVITED_JOINED_LEFT)).isTrue();
        // Someone else's membership change at 30 is after Bob left... no: Bob's leave is at 30, so at 35 he is out.
        var other = event(
                35,
                "m.room.member",
                "@carol:example.org",
                new JsonObjectBuilder().put("membership", "join").build(),
                "joined");
        assertThat(EventVisibility.canSee(other, BOB, INVITED_JOINED_LEFT)).isFalse();
    }

    @Test
    void historyVisibilityEventsAreVisibleWhenBeforeOrAfterAllows() {
        // Changing joined -> world_readable while Bob is out: the new setting lets him see the change.
        var opening = event(
                40,
                "m.room.history_visibility",
                "",
                new JsonObjectBuilder()
                        .put("history_visibility", "world_readable")
                        .build(),
                "joined");
        assertThat(EventVisibility.canSee(opening, BOB, INVITED_JOINED_LEFT)).isTrue();
        var closing = event(
                41,
                "m.room.history_visibility",
                "",
                new JsonObjectBuilder().put("history_visibility", "joined").build(),
                "world_readable");
        assertThat(EventVisibility.canSee(closing, BOB, INVITED_JOINED_LEFT)).isTrue();
        var stillClosed = event(
                42,
                "m.room.history_visibility",
                "",
                new JsonObjectBuilder().put("history_visibility", "invited").build(),
                "joined");
        assertThat(EventVisibility.canSee(stillClosed, BOB, INVITED_JOINED_LEFT))
                .isFalse();
    }

    @Test
    void unknownOrMissingVisibilityMeansShared() {
        assertThat(EventVisibility.canSee(message(1, "something_new"), BOB, INVITED_JOINED_LEFT))
                .isTrue();
    }
}
