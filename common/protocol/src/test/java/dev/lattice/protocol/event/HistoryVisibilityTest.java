package dev.lattice.protocol.event;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.protocol.event.HistoryVisibility.Side;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The spec's history visibility rules (client-server API, "History visibility", server behaviour) as a table: the
 * visibility at the event, the viewer's membership at it, and whether they joined at some point after it.
 */
class HistoryVisibilityTest {
    private static final String BOB = "@bob:example.org";

    @ParameterizedTest(name = "{0}, membership ''{1}'', joined later {2}: {3}")
    @CsvSource({
        // 1. world_readable: allow, whatever the membership
        "world_readable, '',     false, true",
        "world_readable, leave,  false, true",
        "world_readable, ban,    false, true",
        // 2. joined at the event: allow, whatever the visibility
        "joined,         join,   false, true",
        "invited,        join,   false, true",
        "shared,         join,   false, true",
        // 3. shared: allow if the user joined at any point after the event
        "shared,         '',     true,  true",
        "shared,         invite, true,  true",
        "shared,         leave,  true,  true",
        "shared,         '',     false, false",
        "shared,         invite, false, false",
        "shared,         leave,  false, false",
        // 4. invited: allow if the membership at the event was invite
        "invited,        invite, false, true",
        "invited,        '',     true,  false",
        "invited,        leave,  true,  false",
        // 5. otherwise deny: joined needs the membership join at the event
        "joined,         invite, true,  false",
        "joined,         '',     true,  false",
        "joined,         leave,  true,  false",
        "joined,         knock,  true,  false",
    })
    void theSpecTable(String visibility, String membership, boolean joinedAfter, boolean visible) {
        Side side = new Side(visibility, membership);
        assertThat(HistoryVisibility.visible(BOB, "m.room.message", Optional.empty(), side, side, joinedAfter))
                .isEqualTo(visible);
    }

    @Test
    void anUnsetOrUnknownVisibilityIsShared() {
        assertThat(HistoryVisibility.normalize(null)).isEqualTo("shared");
        assertThat(HistoryVisibility.normalize("something_new")).isEqualTo("shared");
        assertThat(new Side("something_new", "").visibility()).isEqualTo("shared");
        Side unset = new Side(null, null);
        assertThat(HistoryVisibility.visible(BOB, "m.room.message", Optional.empty(), unset, unset, true))
                .isTrue();
    }

    @Test
    void theUsersOwnMembershipEventIsVisibleIfTheStateAfterItAllows() {
        Side before = new Side("joined", "invite");
        Side after = new Side("joined", "join");
        assertThat(HistoryVisibility.visible(BOB, "m.room.member", Optional.of(BOB), before, after, false))
                .isTrue();
        // The leave is visible by the state before it.
        assertThat(HistoryVisibility.visible(
                        BOB, "m.room.member", Optional.of(BOB), after, new Side("joined", "leave"), false))
                .isTrue();
        // Someone else's membership event is judged by the state before it only.
        assertThat(HistoryVisibility.visible(
                        BOB, "m.room.member", Optional.of("@carol:example.org"), before, after, false))
                .isFalse();
    }

    @Test
    void theUsersOwnLeaveEndingAnInviteOrAKnockIsAlwaysVisible() {
        Side leave = new Side("joined", "leave");
        for (String ended : new String[] {"invite", "knock"}) {
            Side before = new Side("joined", ended);
            assertThat(HistoryVisibility.visible(BOB, "m.room.member", Optional.of(BOB), before, leave, false))
                    .as("rejecting or withdrawing %s", ended)
                    .isTrue();
            assertThat(HistoryVisibility.visible(
                            BOB, "m.room.member", Optional.of("@carol:example.org"), before, leave, false))
                    .as("someone else's")
                    .isFalse();
        }
        assertThat(HistoryVisibility.visible(
                        BOB, "m.room.member", Optional.of(BOB), new Side("joined", "ban"), leave, false))
                .as("an unban is not a rejection")
                .isFalse();
    }

    @Test
    void aHistoryVisibilityEventIsVisibleIfTheVisibilityBeforeOrAfterAllows() {
        Side closed = new Side("joined", "leave");
        Side open = new Side("world_readable", "leave");
        assertThat(HistoryVisibility.visible(BOB, HistoryVisibility.TYPE, Optional.of(""), closed, open, false))
                .isTrue();
        assertThat(HistoryVisibility.visible(BOB, HistoryVisibility.TYPE, Optional.of(""), open, closed, false))
                .isTrue();
        assertThat(HistoryVisibility.visible(BOB, HistoryVisibility.TYPE, Optional.of(""), closed, closed, false))
                .isFalse();
        // A message is judged by the state before it only.
        assertThat(HistoryVisibility.visible(BOB, "m.room.message", Optional.empty(), closed, open, false))
                .isFalse();
    }
}
