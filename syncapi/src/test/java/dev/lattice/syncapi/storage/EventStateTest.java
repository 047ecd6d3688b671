package dev.lattice.syncapi.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EventStateTest {
    private static final String ROOM = "!room:example.org";

    private static StateSpan member(String user, String membership, long added, Long removed) {
        return new StateSpan(
                ROOM,
                "m.room.member",
                user,
                "$" + user + added,
                Optional.of(membership),
                added,
                Optional.ofNullable(removed));
    }

    @Test
    void theStateIsTheSpansActiveAtTheEventNotThoseThatEndedThere() {
        StateSpan name = new StateSpan(ROOM, "m.room.name", "", "$name", Optional.empty(), 3, Optional.empty());
        StateSpan ended = member("@bob:example.org", "join", 2, 10L);
        StateSpan replacing = member("@bob:example.org", "leave", 10, null);
        EventState state = new EventState(10, List.of(name, ended, replacing), Map.of());

        assertThat(state.state()).containsExactlyInAnyOrder(name, replacing);
    }

    @Test
    void theEventWakesTheJoinedAndInvitedAndThoseWhoseMembershipChangedAtIt() {
        EventState state = new EventState(
                10,
                List.of(
                        member("@joined:example.org", "join", 2, null),
                        member("@invited:example.org", "invite", 4, null),
                        member("@left-long-ago:example.org", "leave", 5, null),
                        member("@banned-now:example.org", "join", 3, 10L),
                        member("@banned-now:example.org", "ban", 10, null),
                        member("@removed-by-resolution:example.org", "join", 6, 10L),
                        new StateSpan(ROOM, "m.room.topic", "", "$topic", Optional.empty(), 10, Optional.empty())),
                Map.of());

        assertThat(state.usersToNotify())
                .containsExactlyInAnyOrder(
                        "@joined:example.org",
                        "@invited:example.org",
                        "@banned-now:example.org",
                        "@removed-by-resolution:example.org");
    }
}
