package dev.lattice.syncapi.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.json.JsonString;
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

    @Test
    void atALaterEventWithNoStateChangeBetweenTheStateIsWhatWasCurrentAfterThisOne() {
        StateSpan ended = member("@bob:example.org", "join", 2, 10L);
        StateSpan replacing = member("@bob:example.org", "ban", 10, null);
        StateSpan joined = member("@carol:example.org", "join", 4, null);
        Map<String, JsonObject> contents =
                Map.of(joined.eventId(), JsonObject.EMPTY.with("displayname", JsonString.of("C")));
        EventState later = new EventState(10, List.of(ended, replacing, joined), contents).currentAt(12);

        assertThat(later.position()).isEqualTo(12);
        assertThat(later.spans()).containsExactly(replacing, joined);
        assertThat(later.state()).containsExactly(replacing, joined);
        assertThat(later.contents()).isEqualTo(contents);
        // Bob's ban was this event's change, not the later one's: he is not woken by it.
        assertThat(later.usersToNotify()).containsExactly("@carol:example.org");
        assertThatThrownBy(() -> later.currentAt(12)).isInstanceOf(IllegalArgumentException.class);
    }
}
