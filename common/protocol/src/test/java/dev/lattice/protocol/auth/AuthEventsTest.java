package dev.lattice.protocol.auth;

import static dev.lattice.protocol.auth.TestRoom.ALICE;
import static dev.lattice.protocol.auth.TestRoom.BOB;
import static dev.lattice.protocol.auth.TestRoom.CHARLIE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.protocol.event.RoomEvent;
import dev.lattice.protocol.version.AuthorizationRules;
import dev.lattice.protocol.version.EventFormatRules;
import dev.lattice.protocol.version.RoomVersionRules;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AuthEventsTest {

    @Test
    void selectionForAMessage() {
        assertThat(AuthEventsSelection.forEvent(
                        RoomVersionRules.V10, "m.room.message", Optional.empty(), BOB, TestJson.object("{}")))
                .containsExactly(
                        StateKey.of("m.room.create", ""),
                        StateKey.of("m.room.power_levels", ""),
                        StateKey.of("m.room.member", BOB));
        assertThat(AuthEventsSelection.forEvent(
                        RoomVersionRules.V12, "m.room.message", Optional.empty(), BOB, TestJson.object("{}")))
                .containsExactly(StateKey.of("m.room.power_levels", ""), StateKey.of("m.room.member", BOB));
        assertThat(AuthEventsSelection.forEvent(
                        RoomVersionRules.V12, "m.room.create", Optional.of(""), BOB, TestJson.object("{}")))
                .isEmpty();
    }

    @Test
    void selectionForMemberships() {
        String restricted = "{\"membership\":\"join\",\"join_authorised_via_users_server\":\"" + ALICE + "\"}";
        assertThat(AuthEventsSelection.forEvent(
                        RoomVersionRules.V8, "m.room.member", Optional.of(BOB), BOB, TestJson.object(restricted)))
                .containsExactly(
                        StateKey.of("m.room.create", ""),
                        StateKey.of("m.room.power_levels", ""),
                        StateKey.of("m.room.member", BOB),
                        StateKey.of("m.room.join_rules", ""),
                        StateKey.of("m.room.member", ALICE));
        assertThat(AuthEventsSelection.forEvent(
                        RoomVersionRules.V7, "m.room.member", Optional.of(BOB), BOB, TestJson.object(restricted)))
                .doesNotContain(StateKey.of("m.room.member", ALICE));
        String thirdParty = "{\"membership\":\"invite\",\"third_party_invite\":{\"signed\":{\"token\":\"t\"}}}";
        assertThat(AuthEventsSelection.forEvent(
                        RoomVersionRules.V10, "m.room.member", Optional.of(BOB), ALICE, TestJson.object(thirdParty)))
                .containsExactly(
                        StateKey.of("m.room.create", ""),
                        StateKey.of("m.room.power_levels", ""),
                        StateKey.of("m.room.member", ALICE),
                        StateKey.of("m.room.member", BOB),
                        StateKey.of("m.room.join_rules", ""),
                        StateKey.of("m.room.third_party_invite", "t"));
        assertThat(AuthEventsSelection.forEvent(
                        RoomVersionRules.V10,
                        "m.room.member",
                        Optional.of(BOB),
                        ALICE,
                        TestJson.object("{\"membership\":\"ban\"}")))
                .doesNotContain(StateKey.of("m.room.join_rules", ""));
    }

    private static List<RoomEvent> authEventsOf(TestRoom room, RoomEvent event) {
        List<RoomEvent> result = new ArrayList<>();
        for (String id : event.authEvents()) {
            room.state().values().stream()
                    .filter(e -> e.eventId().equals(id))
                    .findFirst()
                    .ifPresent(result::add);
        }
        return result;
    }

    @Test
    void wellFormedAuthEventsPass() {
        TestRoom room = TestRoom.create(AuthorizationRules.V10, "10", ALICE).publicChat(ALICE);
        TestingRoomEvent join = room.event(BOB, "m.room.member", BOB, "{\"membership\":\"join\"}");
        assertThat(AuthEventsCheck.check(room.versionRules(), join, authEventsOf(room, join))
                        .allowed())
                .isTrue();
    }

    @Test
    void authEventsFromAnotherRoomAreRejected() {
        TestRoom room = TestRoom.create(AuthorizationRules.V10, "10", ALICE).publicChat(ALICE);
        TestRoom other = TestRoom.create(AuthorizationRules.V10, "10", BOB).publicChat(BOB);
        // Same IDs, other room: an attacker pointing auth_events at a room where it has power.
        RoomEvent foreignPowerLevels =
                other.stateEvent("m.room.power_levels", "").orElseThrow();
        RoomEvent forged = new TestingRoomEvent(
                foreignPowerLevels.eventId(),
                "!elsewhere:evil.example",
                foreignPowerLevels.sender(),
                foreignPowerLevels.type(),
                foreignPowerLevels.stateKey(),
                foreignPowerLevels.content(),
                List.of(),
                List.of(),
                0,
                1,
                Optional.empty());
        TestingRoomEvent join = room.event(BOB, "m.room.member", BOB, "{\"membership\":\"join\"}");
        List<RoomEvent> authEvents = new ArrayList<>(authEventsOf(room, join));
        authEvents.replaceAll(e -> e.type().equals("m.room.power_levels") ? forged : e);
        assertThat(AuthEventsCheck.check(room.versionRules(), join, authEvents).failure())
                .contains(AuthFailure.AUTH_EVENT_FROM_OTHER_ROOM);
    }

    @Test
    void duplicatesUnselectedKindsAndMissingCreateAreRejected() {
        TestRoom room = TestRoom.create(AuthorizationRules.V10, "10", ALICE).publicChat(ALICE);
        room.join(BOB);
        RoomEvent create = room.stateEvent("m.room.create", "").orElseThrow();
        RoomEvent powerLevels = room.stateEvent("m.room.power_levels", "").orElseThrow();
        RoomEvent aliceMember = room.stateEvent("m.room.member", ALICE).orElseThrow();
        RoomEvent bobMember = room.stateEvent("m.room.member", BOB).orElseThrow();
        RoomEvent joinRules = room.stateEvent("m.room.join_rules", "").orElseThrow();

        RoomEvent message = withAuth(room.event(BOB, "m.room.message", null, "{}"), create, bobMember, joinRules);
        assertThat(AuthEventsCheck.check(room.versionRules(), message, List.of(create, bobMember, joinRules))
                        .failure())
                .as("join rules are not selected for a message")
                .contains(AuthFailure.INVALID_AUTH_EVENTS);

        RoomEvent someoneElses = withAuth(room.event(BOB, "m.room.message", null, "{}"), create, aliceMember);
        assertThat(AuthEventsCheck.check(room.versionRules(), someoneElses, List.of(create, aliceMember))
                        .failure())
                .as("another user's member event")
                .contains(AuthFailure.INVALID_AUTH_EVENTS);

        RoomEvent noCreate = withAuth(room.event(BOB, "m.room.message", null, "{}"), powerLevels, bobMember);
        assertThat(AuthEventsCheck.check(room.versionRules(), noCreate, List.of(powerLevels, bobMember))
                        .failure())
                .contains(AuthFailure.INVALID_AUTH_EVENTS);

        TestingRoomEvent newBob =
                room.send(BOB, "m.room.member", BOB, "{\"membership\":\"join\"," + "\"displayname\":\"b\"}");
        RoomEvent duplicate = withAuth(room.event(BOB, "m.room.message", null, "{}"), create, bobMember, newBob);
        assertThat(AuthEventsCheck.check(room.versionRules(), duplicate, List.of(create, bobMember, newBob))
                        .failure())
                .contains(AuthFailure.INVALID_AUTH_EVENTS);
    }

    @Test
    void version12ForbidsTheCreateEventAsAuthEvent() {
        TestRoom room = TestRoom.create(AuthorizationRules.V12, "12", ALICE).publicChat(ALICE);
        RoomEvent create = room.stateEvent("m.room.create", "").orElseThrow();
        RoomEvent aliceMember = room.stateEvent("m.room.member", ALICE).orElseThrow();
        RoomEvent message = withAuth(room.event(ALICE, "m.room.message", null, "{}"), create, aliceMember);
        AuthResult listed = AuthEventsCheck.check(room.versionRules(), message, List.of(create, aliceMember));
        assertThat(listed.failure()).contains(AuthFailure.INVALID_AUTH_EVENTS);
        assertThat(listed.message()).contains("never lists the m.room.create event");
        RoomEvent good = withAuth(room.event(ALICE, "m.room.message", null, "{}"), aliceMember);
        assertThat(AuthEventsCheck.check(room.versionRules(), good, List.of(aliceMember))
                        .allowed())
                .isTrue();
    }

    /** The check follows {@code eventFormat().createEventInAuthEvents()}, not the version number. */
    @Test
    void createEventInAuthEventsIsDecidedByTheEventFormatFlag() {
        TestRoom room = TestRoom.create(AuthorizationRules.V11, "11", ALICE).publicChat(ALICE);
        RoomEvent create = room.stateEvent("m.room.create", "").orElseThrow();
        RoomEvent aliceMember = room.stateEvent("m.room.member", ALICE).orElseThrow();
        RoomEvent withCreate = withAuth(room.event(ALICE, "m.room.message", null, "{}"), create, aliceMember);
        RoomEvent withoutCreate = withAuth(room.event(ALICE, "m.room.message", null, "{}"), aliceMember);
        RoomVersionRules v11 = room.versionRules();
        assertThat(AuthEventsCheck.check(v11, withCreate, List.of(create, aliceMember))
                        .allowed())
                .isTrue();
        assertThat(AuthEventsCheck.check(v11, withoutCreate, List.of(aliceMember))
                        .failure())
                .contains(AuthFailure.INVALID_AUTH_EVENTS);

        EventFormatRules never = v11.eventFormat().withCreateEventInAuthEvents(false);
        RoomVersionRules flagged = v11.withEventFormat(never);
        assertThat(AuthEventsCheck.check(flagged, withCreate, List.of(create, aliceMember))
                        .message())
                .contains("never lists the m.room.create event");
        assertThat(AuthEventsCheck.check(flagged, withoutCreate, List.of(aliceMember))
                        .allowed())
                .isTrue();
        assertThat(AuthEventsSelection.forEvent(flagged, withoutCreate))
                .doesNotContain(StateKey.of("m.room.create", ""));
    }

    @Test
    void version12RoomIdMustNameTheCreateEvent() {
        TestRoom room = TestRoom.create(AuthorizationRules.V12, "12", ALICE).publicChat(ALICE);
        room.join(CHARLIE);
        RoomEvent otherCreate = new TestingRoomEvent(
                "$other",
                "!other",
                ALICE,
                "m.room.create",
                Optional.of(""),
                TestJson.object("{\"room_version\":\"12\"}"),
                List.of(),
                List.of(),
                0,
                1,
                Optional.empty());
        TestingRoomEvent message = room.event(CHARLIE, "m.room.message", null, "{}");
        StateLookup state = (type, key) -> type.equals("m.room.create")
                ? Optional.of(otherCreate)
                : Optional.ofNullable(room.state().get(StateKey.of(type, key)));
        assertThat(AuthCheck.check(room.rules(), message, state, AuthVerifiers.NO_THIRD_PARTY_INVITES)
                        .failure())
                .contains(AuthFailure.NO_CREATE_EVENT);
    }

    private static RoomEvent withAuth(TestingRoomEvent event, RoomEvent... authEvents) {
        return new TestingRoomEvent(
                event.eventId(),
                event.roomId(),
                event.sender(),
                event.type(),
                event.stateKey(),
                event.content(),
                event.prevEvents(),
                List.of(authEvents).stream().map(RoomEvent::eventId).toList(),
                event.originServerTs(),
                event.depth(),
                event.redacts());
    }
}
