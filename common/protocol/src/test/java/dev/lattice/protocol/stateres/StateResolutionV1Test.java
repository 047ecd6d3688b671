package dev.lattice.protocol.stateres;

import static dev.lattice.protocol.auth.TestRoom.ALICE;
import static dev.lattice.protocol.auth.TestRoom.BOB;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.protocol.auth.AuthVerifiers;
import dev.lattice.protocol.auth.StateKey;
import dev.lattice.protocol.auth.TestRoom;
import dev.lattice.protocol.auth.TestingRoomEvent;
import dev.lattice.protocol.event.RoomEvent;
import dev.lattice.protocol.version.AuthorizationRules;
import dev.lattice.protocol.version.StateResVersion;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** State resolution of room version 1, by the spec's description. */
class StateResolutionV1Test {
    private final TestRoom room =
            TestRoom.create(AuthorizationRules.V1, "1", ALICE).publicChat(ALICE);
    private final Map<String, RoomEvent> events = new HashMap<>();

    StateResolutionV1Test() {
        room.join(BOB);
        room.state().values().forEach(e -> events.put(e.eventId(), e));
    }

    private Map<StateKey, String> fork(RoomEvent... forkEvents) {
        Map<StateKey, String> state = new HashMap<>();
        room.state().forEach((key, event) -> state.put(key, event.eventId()));
        for (RoomEvent event : forkEvents) {
            events.put(event.eventId(), event);
            state.put(StateKey.of(event.type(), event.stateKey().orElseThrow()), event.eventId());
        }
        return state;
    }

    private Map<StateKey, String> resolve(Map<StateKey, String> a, Map<StateKey, String> b) {
        return StateResolution.resolve(
                StateResVersion.V1,
                AuthorizationRules.V1,
                List.of(a, b),
                EventLookup.of(events),
                AuthVerifiers.NO_THIRD_PARTY_INVITES);
    }

    private static TestingRoomEvent withDepth(TestingRoomEvent e, String id, long depth) {
        return new TestingRoomEvent(
                id,
                e.roomId(),
                e.sender(),
                e.type(),
                e.stateKey(),
                e.content(),
                e.prevEvents(),
                e.authEvents(),
                e.originServerTs(),
                depth,
                e.redacts());
    }

    @Test
    void otherConflictsPickTheDeepestAllowedEvent() {
        TestingRoomEvent shallow = room.event(ALICE, "m.room.topic", "", "{\"topic\":\"a\"}");
        TestingRoomEvent deep = room.event(ALICE, "m.room.topic", "", "{\"topic\":\"b\"}");
        assertThat(deep.depth()).isGreaterThan(shallow.depth());
        StateKey topic = StateKey.of("m.room.topic", "");
        assertThat(resolve(fork(shallow), fork(deep)).get(topic)).isEqualTo(deep.eventId());
        assertThat(resolve(fork(deep), fork(shallow)).get(topic)).isEqualTo(deep.eventId());
        // Bob (level 0) may not set the topic: his deeper event fails auth and Alice's wins.
        TestingRoomEvent bobs = withDepth(room.event(BOB, "m.room.topic", "", "{\"topic\":\"c\"}"), "$bob:x", 99);
        assertThat(resolve(fork(shallow), fork(bobs)).get(topic)).isEqualTo(shallow.eventId());
    }

    @Test
    void equalDepthsAreBrokenByTheLowestSha1OfTheEventId() {
        TestingRoomEvent base = room.event(ALICE, "m.room.topic", "", "{\"topic\":\"a\"}");
        TestingRoomEvent one = withDepth(base, "$one:example.org", 50);
        TestingRoomEvent two = withDepth(base, "$two:example.org", 50);
        String lower = StateResolutionV1.sha1Hex(one.eventId()).compareTo(StateResolutionV1.sha1Hex(two.eventId())) < 0
                ? one.eventId()
                : two.eventId();
        assertThat(resolve(fork(one), fork(two)).get(StateKey.of("m.room.topic", "")))
                .isEqualTo(lower);
        assertThat(resolve(fork(two), fork(one)).get(StateKey.of("m.room.topic", "")))
                .isEqualTo(lower);
    }

    @Test
    void powerLevelsConflictsAdvanceByDepthWhileAllowed() {
        TestingRoomEvent first = room.event(
                ALICE, "m.room.power_levels", "", "{\"users\": {\"" + ALICE + "\": 100, \"" + BOB + "\": 10}}");
        TestingRoomEvent second = room.event(
                ALICE, "m.room.power_levels", "", "{\"users\": {\"" + ALICE + "\": 100, \"" + BOB + "\": 20}}");
        StateKey key = StateKey.of("m.room.power_levels", "");
        assertThat(resolve(fork(first), fork(second)).get(key)).isEqualTo(second.eventId());
        // A deeper event Bob had no power to send stops the walk.
        TestingRoomEvent forged = withDepth(
                room.event(BOB, "m.room.power_levels", "", "{\"users\": {\"" + BOB + "\": 100}}"),
                "$forged:example.org",
                99);
        assertThat(resolve(fork(first), fork(forged)).get(key)).isEqualTo(first.eventId());
    }

    @Test
    void aBanSurvivesAConcurrentMembershipChange() {
        TestingRoomEvent ban = room.event(ALICE, "m.room.member", BOB, "{\"membership\":\"ban\"}");
        TestingRoomEvent rename =
                room.event(BOB, "m.room.member", BOB, "{\"membership\":\"join\",\"displayname\":\"bob\"}");
        assertThat(rename.depth()).isGreaterThan(ban.depth());
        assertThat(resolve(fork(ban), fork(rename)).get(StateKey.of("m.room.member", BOB)))
                .isEqualTo(ban.eventId());
    }

    @Test
    void unconflictedEntriesAreKept() {
        TestingRoomEvent topic = room.event(ALICE, "m.room.topic", "", "{\"topic\":\"a\"}");
        Map<StateKey, String> resolved = resolve(fork(topic), fork());
        assertThat(resolved.get(StateKey.of("m.room.topic", ""))).isEqualTo(topic.eventId());
        assertThat(resolved.get(StateKey.of("m.room.member", BOB)))
                .isEqualTo(room.stateEvent("m.room.member", BOB).orElseThrow().eventId());
    }
}
