package dev.lattice.protocol.auth;

import static dev.lattice.protocol.auth.TestRoom.ALICE;
import static dev.lattice.protocol.auth.TestRoom.BOB;
import static dev.lattice.protocol.auth.TestRoom.CHARLIE;
import static dev.lattice.protocol.auth.TestRoom.EVE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.version.AuthorizationRules;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AuthCheckTest {

    static Stream<Arguments> allVersions() {
        return Stream.of(
                Arguments.of(AuthorizationRules.V1, "1"),
                Arguments.of(AuthorizationRules.V1, "2"),
                Arguments.of(AuthorizationRules.V3, "3"),
                Arguments.of(AuthorizationRules.V3, "5"),
                Arguments.of(AuthorizationRules.V6, "6"),
                Arguments.of(AuthorizationRules.V7, "7"),
                Arguments.of(AuthorizationRules.V8, "8"),
                Arguments.of(AuthorizationRules.V8, "9"),
                Arguments.of(AuthorizationRules.V10, "10"),
                Arguments.of(AuthorizationRules.V11, "11"),
                Arguments.of(AuthorizationRules.V12, "12"));
    }

    static TestRoom publicRoom(AuthorizationRules rules, String version) {
        return TestRoom.create(rules, version, ALICE).publicChat(ALICE);
    }

    private static Optional<AuthFailure> failure(TestRoom room, TestingRoomEvent event) {
        return room.check(event).failure();
    }

    private static String member(String membership) {
        return "{\"membership\":\"" + membership + "\"}";
    }

    @Nested
    class Create {
        @ParameterizedTest
        @MethodSource("dev.lattice.protocol.auth.AuthCheckTest#allVersions")
        void roomBootstrapsInEveryVersion(AuthorizationRules rules, String version) {
            TestRoom room = publicRoom(rules, version);
            room.join(BOB);
            assertThat(room.stateEvent("m.room.member", BOB)).isPresent();
        }

        @Test
        void createWithPrevEventsIsRejected() {
            TestingRoomEvent create = createEvent(
                    AuthorizationRules.V10,
                    "$c:example.org",
                    "!r:example.org",
                    ALICE,
                    "{\"creator\":\"" + ALICE + "\",\"room_version\":\"10\"}",
                    List.of("$x:example.org"));
            assertThat(AuthCheck.check(
                                    AuthorizationRules.V10,
                                    create,
                                    (t, k) -> Optional.empty(),
                                    AuthVerifiers.NO_THIRD_PARTY_INVITES)
                            .failure())
                    .contains(AuthFailure.CREATE_HAS_PREV_EVENTS);
        }

        @Test
        void createFromAnotherServerThanTheRoomIdIsRejected() {
            TestingRoomEvent create = createEvent(
                    AuthorizationRules.V11,
                    "$c:example.org",
                    "!r:example.org",
                    EVE,
                    "{\"room_version\":\"11\"}",
                    List.of());
            assertThat(check(AuthorizationRules.V11, create)).contains(AuthFailure.CREATE_ROOM_ID_MISMATCH);
        }

        @Test
        void unknownRoomVersionIsRejected() {
            TestingRoomEvent create = createEvent(
                    AuthorizationRules.V11,
                    "$c:example.org",
                    "!r:example.org",
                    ALICE,
                    "{\"room_version\":\"99\"}",
                    List.of());
            assertThat(check(AuthorizationRules.V11, create)).contains(AuthFailure.CREATE_UNKNOWN_ROOM_VERSION);
        }

        @Test
        void creatorIsRequiredUntilVersion11() {
            String content = "{\"room_version\":\"10\"}";
            assertThat(check(
                            AuthorizationRules.V10,
                            createEvent(
                                    AuthorizationRules.V10,
                                    "$c:example.org",
                                    "!r:example.org",
                                    ALICE,
                                    content,
                                    List.of())))
                    .contains(AuthFailure.CREATE_MISSING_CREATOR);
            assertThat(check(
                            AuthorizationRules.V11,
                            createEvent(
                                    AuthorizationRules.V11,
                                    "$c:example.org",
                                    "!r:example.org",
                                    ALICE,
                                    content,
                                    List.of())))
                    .isEmpty();
        }

        @Test
        void version12CreateRoomIdMustBeDerivedFromTheEventId() {
            String content = "{\"room_version\":\"12\"}";
            assertThat(check(
                            AuthorizationRules.V12,
                            createEvent(AuthorizationRules.V12, "$abc", "!abc", ALICE, content, List.of())))
                    .isEmpty();
            assertThat(check(
                            AuthorizationRules.V12,
                            createEvent(AuthorizationRules.V12, "$abc", "!other", ALICE, content, List.of())))
                    .contains(AuthFailure.CREATE_ROOM_ID_MISMATCH);
        }

        @Test
        void version12AdditionalCreatorsMustBeUserIds() {
            // "The same user ID validation applied to sender": historical IDs pass (an empty localpart included, as
            // the appendix says), a bad server name does not.
            for (String bad :
                    List.of("\"" + BOB + "\"", "[\"bob\"]", "[42]", "[\"@bob:\"]", "[\"@bob:bad_server!\"]")) {
                TestingRoomEvent create = createEvent(
                        AuthorizationRules.V12,
                        "$abc",
                        "!abc",
                        ALICE,
                        "{\"room_version\":\"12\",\"additional_creators\":" + bad + "}",
                        List.of());
                assertThat(check(AuthorizationRules.V12, create))
                        .as(bad)
                        .contains(AuthFailure.CREATE_INVALID_ADDITIONAL_CREATORS);
            }
            TestingRoomEvent good = createEvent(
                    AuthorizationRules.V12,
                    "$abc",
                    "!abc",
                    ALICE,
                    "{\"room_version\":\"12\",\"additional_creators\":[\"" + BOB + "\"]}",
                    List.of());
            assertThat(check(AuthorizationRules.V12, good)).isEmpty();
            TestingRoomEvent historical = createEvent(
                    AuthorizationRules.V12,
                    "$abc",
                    "!abc",
                    ALICE,
                    "{\"room_version\":\"12\",\"additional_creators\":[\"@:x\", \"@Ünïcode:example.org\"]}",
                    List.of());
            assertThat(check(AuthorizationRules.V12, historical)).isEmpty();
            // Before v12 the field means nothing.
            TestingRoomEvent v11 = createEvent(
                    AuthorizationRules.V11,
                    "$c:example.org",
                    "!r:example.org",
                    ALICE,
                    "{\"room_version\":\"11\",\"additional_creators\":42}",
                    List.of());
            assertThat(check(AuthorizationRules.V11, v11)).isEmpty();
        }

        @Test
        void eventsWithoutCreateInStateAreRejected() {
            TestRoom room = publicRoom(AuthorizationRules.V10, "10");
            TestingRoomEvent message = room.event(ALICE, "m.room.message", null, "{}");
            assertThat(AuthCheck.check(
                                    AuthorizationRules.V10,
                                    message,
                                    (t, k) -> Optional.empty(),
                                    AuthVerifiers.NO_THIRD_PARTY_INVITES)
                            .failure())
                    .contains(AuthFailure.NO_CREATE_EVENT);
        }

        @Test
        void nonFederatingRoomRejectsOtherServers() {
            TestRoom room = TestRoom.create(AuthorizationRules.V10, "10", ALICE, "{\"m.federate\": false}")
                    .publicChat(ALICE);
            room.join(BOB);
            assertThat(failure(room, room.event(EVE, "m.room.member", EVE, member("join"))))
                    .contains(AuthFailure.NOT_FEDERATED);
        }

        private static TestingRoomEvent createEvent(
                AuthorizationRules rules, String id, String roomId, String sender, String content, List<String> prev) {
            return new TestingRoomEvent(
                    id,
                    roomId,
                    sender,
                    "m.room.create",
                    Optional.of(""),
                    TestJson.object(content),
                    prev,
                    List.of(),
                    0,
                    1,
                    Optional.empty());
        }

        private static Optional<AuthFailure> check(AuthorizationRules rules, TestingRoomEvent create) {
            return AuthCheck.check(rules, create, (t, k) -> Optional.empty(), AuthVerifiers.NO_THIRD_PARTY_INVITES)
                    .failure();
        }
    }

    @Nested
    class Joins {
        @ParameterizedTest
        @MethodSource("dev.lattice.protocol.auth.AuthCheckTest#allVersions")
        void onlyTheCreatorMayJoinRightAfterCreate(AuthorizationRules rules, String version) {
            TestRoom room = TestRoom.create(rules, version, ALICE);
            // Bob's join right after the create event in a room without join rules: the join rule defaults to invite.
            TestRoom fresh = TestRoom.create(rules, version, ALICE);
            assertThat(fresh.stateEvent("m.room.member", ALICE)).isPresent();
            assertThat(failure(room, room.event(BOB, "m.room.member", BOB, member("join"))))
                    .contains(AuthFailure.MEMBERSHIP_CHANGE_NOT_ALLOWED);
        }

        @ParameterizedTest
        @MethodSource("dev.lattice.protocol.auth.AuthCheckTest#allVersions")
        void inviteOnlyRoomNeedsAnInvite(AuthorizationRules rules, String version) {
            TestRoom room = publicRoom(rules, version);
            room.send(ALICE, "m.room.join_rules", "", "{\"join_rule\":\"invite\"}");
            assertThat(failure(room, room.event(BOB, "m.room.member", BOB, member("join"))))
                    .contains(AuthFailure.MEMBERSHIP_CHANGE_NOT_ALLOWED);
            room.send(ALICE, "m.room.member", BOB, member("invite"));
            room.join(BOB);
            assertThat(room.stateEvent("m.room.member", BOB)
                            .orElseThrow()
                            .content()
                            .getString("membership"))
                    .contains("join");
        }

        @Test
        void cannotJoinForSomeoneElse() {
            TestRoom room = publicRoom(AuthorizationRules.V10, "10");
            assertThat(failure(room, room.event(ALICE, "m.room.member", BOB, member("join"))))
                    .contains(AuthFailure.MEMBERSHIP_CHANGE_NOT_ALLOWED);
        }

        @Test
        void knockJoinRuleFromVersion7() {
            TestRoom v7 = publicRoom(AuthorizationRules.V7, "7");
            v7.send(ALICE, "m.room.join_rules", "", "{\"join_rule\":\"knock\"}");
            v7.send(BOB, "m.room.member", BOB, member("knock"));
            assertThat(failure(v7, v7.event(BOB, "m.room.member", BOB, member("join"))))
                    .contains(AuthFailure.MEMBERSHIP_CHANGE_NOT_ALLOWED);
            v7.send(ALICE, "m.room.member", BOB, member("invite"));
            v7.join(BOB);

            TestRoom v6 = publicRoom(AuthorizationRules.V6, "6");
            v6.send(ALICE, "m.room.join_rules", "", "{\"join_rule\":\"knock\"}");
            assertThat(failure(v6, v6.event(BOB, "m.room.member", BOB, member("knock"))))
                    .contains(AuthFailure.INVALID_MEMBERSHIP);
            assertThat(failure(v6, v6.event(BOB, "m.room.member", BOB, member("join"))))
                    .contains(AuthFailure.MEMBERSHIP_CHANGE_NOT_ALLOWED);
        }

        @Test
        void knockNeedsAKnockJoinRuleAndTheSenderAsTarget() {
            TestRoom room = publicRoom(AuthorizationRules.V10, "10");
            assertThat(failure(room, room.event(BOB, "m.room.member", BOB, member("knock"))))
                    .contains(AuthFailure.MEMBERSHIP_CHANGE_NOT_ALLOWED);
            room.send(ALICE, "m.room.join_rules", "", "{\"join_rule\":\"knock\"}");
            assertThat(failure(room, room.event(BOB, "m.room.member", CHARLIE, member("knock"))))
                    .contains(AuthFailure.MEMBERSHIP_CHANGE_NOT_ALLOWED);
            room.send(BOB, "m.room.member", BOB, member("knock"));
            // A knocking user may withdraw (leave) from version 7.
            room.send(BOB, "m.room.member", BOB, member("leave"));
        }

        @Test
        void knockRestrictedFromVersion10() {
            TestRoom v10 = publicRoom(AuthorizationRules.V10, "10");
            v10.send(ALICE, "m.room.join_rules", "", "{\"join_rule\":\"knock_restricted\"}");
            v10.send(BOB, "m.room.member", BOB, member("knock"));
            TestRoom v9 = publicRoom(AuthorizationRules.V8, "9");
            v9.send(ALICE, "m.room.join_rules", "", "{\"join_rule\":\"knock_restricted\"}");
            assertThat(failure(v9, v9.event(BOB, "m.room.member", BOB, member("knock"))))
                    .contains(AuthFailure.MEMBERSHIP_CHANGE_NOT_ALLOWED);
            assertThat(failure(v9, v9.event(BOB, "m.room.member", BOB, member("join"))))
                    .contains(AuthFailure.MEMBERSHIP_CHANGE_NOT_ALLOWED);
        }

        @ParameterizedTest
        @MethodSource("restrictedVersions")
        void restrictedJoinNeedsAJoinedAuthoriserWithInvitePower(
                AuthorizationRules rules, String version, String joinRule) {
            TestRoom room = publicRoom(rules, version);
            room.join(CHARLIE);
            room.send(
                    ALICE,
                    "m.room.join_rules",
                    "",
                    "{\"join_rule\":\"" + joinRule + "\",\"allow\":[{\"type\":\"m.room_membership\","
                            + "\"room_id\":\"!other:example.org\"}]}");
            String viaAlice = "{\"membership\":\"join\",\"join_authorised_via_users_server\":\"" + ALICE + "\"}";
            String viaCharlie = "{\"membership\":\"join\",\"join_authorised_via_users_server\":\"" + CHARLIE + "\"}";
            String viaEve = "{\"membership\":\"join\",\"join_authorised_via_users_server\":\"" + EVE + "\"}";
            assertThat(failure(room, room.event(BOB, "m.room.member", BOB, member("join"))))
                    .contains(AuthFailure.MEMBERSHIP_CHANGE_NOT_ALLOWED);
            assertThat(failure(room, room.event(BOB, "m.room.member", BOB, viaEve)))
                    .as("authoriser not joined")
                    .contains(AuthFailure.MEMBERSHIP_CHANGE_NOT_ALLOWED);
            // Raise the invite level above Charlie's.
            String users = rules.explicitlyPrivilegeRoomCreators() ? "{}" : "{\"" + ALICE + "\": 100}";
            room.send(ALICE, "m.room.power_levels", "", "{\"invite\": 50, \"users\": " + users + "}");
            assertThat(failure(room, room.event(BOB, "m.room.member", BOB, viaCharlie)))
                    .as("authoriser without invite power")
                    .contains(AuthFailure.MEMBERSHIP_CHANGE_NOT_ALLOWED);
            TestingRoomEvent join = room.event(BOB, "m.room.member", BOB, viaAlice);
            assertThat(join.authEvents())
                    .contains(room.stateEvent("m.room.member", ALICE)
                            .orElseThrow()
                            .eventId());
            assertThat(failure(room, join)).isEmpty();
        }

        static Stream<Arguments> restrictedVersions() {
            return Stream.of(
                    Arguments.of(AuthorizationRules.V8, "8", "restricted"),
                    Arguments.of(AuthorizationRules.V10, "10", "restricted"),
                    Arguments.of(AuthorizationRules.V10, "10", "knock_restricted"),
                    Arguments.of(AuthorizationRules.V12, "12", "restricted"));
        }

        @Test
        void restrictedJoinRuleMeansNothingBeforeVersion8() {
            TestRoom room = publicRoom(AuthorizationRules.V7, "7");
            room.send(ALICE, "m.room.join_rules", "", "{\"join_rule\":\"restricted\"}");
            assertThat(failure(
                            room,
                            room.event(
                                    BOB,
                                    "m.room.member",
                                    BOB,
                                    "{\"membership\":\"join\",\"join_authorised_via_users_server\":\"" + ALICE
                                            + "\"}")))
                    .contains(AuthFailure.MEMBERSHIP_CHANGE_NOT_ALLOWED);
        }

        @Test
        void restrictedJoinNeedsTheAuthorisersServerSignature() {
            TestRoom room = publicRoom(AuthorizationRules.V10, "10")
                    .withVerifiers(new AuthVerifiers(ThirdPartyInviteVerifier.REJECT_ALL, (event, server) -> false));
            room.send(ALICE, "m.room.join_rules", "", "{\"join_rule\":\"restricted\"}");
            assertThat(failure(
                            room,
                            room.event(
                                    BOB,
                                    "m.room.member",
                                    BOB,
                                    "{\"membership\":\"join\",\"join_authorised_via_users_server\":\"" + ALICE
                                            + "\"}")))
                    .contains(AuthFailure.INVALID_SIGNATURE);
        }
    }

    @Nested
    class BansAndKicks {
        @ParameterizedTest
        @MethodSource("dev.lattice.protocol.auth.AuthCheckTest#allVersions")
        void banKickAndUnban(AuthorizationRules rules, String version) {
            TestRoom room = publicRoom(rules, version);
            room.join(BOB);
            room.join(CHARLIE);
            assertThat(failure(room, room.event(BOB, "m.room.member", CHARLIE, member("ban"))))
                    .contains(AuthFailure.INSUFFICIENT_POWER);
            assertThat(failure(room, room.event(BOB, "m.room.member", CHARLIE, member("leave"))))
                    .contains(AuthFailure.INSUFFICIENT_POWER);
            room.send(ALICE, "m.room.member", BOB, member("ban"));
            assertThat(failure(room, room.event(BOB, "m.room.member", BOB, member("join"))))
                    .contains(AuthFailure.BANNED);
            assertThat(failure(room, room.event(BOB, "m.room.member", BOB, member("leave"))))
                    .contains(AuthFailure.MEMBERSHIP_CHANGE_NOT_ALLOWED);
            assertThat(failure(room, room.event(ALICE, "m.room.member", BOB, member("invite"))))
                    .contains(AuthFailure.MEMBERSHIP_CHANGE_NOT_ALLOWED);
            room.send(ALICE, "m.room.member", BOB, member("leave"));
            room.join(BOB);
            room.send(ALICE, "m.room.member", CHARLIE, member("leave"));
        }

        @Test
        void unbanNeedsTheBanLevel() {
            TestRoom room = publicRoom(AuthorizationRules.V10, "10");
            room.join(BOB);
            room.join(CHARLIE);
            room.send(
                    ALICE,
                    "m.room.power_levels",
                    "",
                    "{\"ban\": 80, \"kick\": 50, \"users\": {\"" + ALICE + "\": 100, \"" + BOB + "\": 60}}");
            room.send(ALICE, "m.room.member", CHARLIE, member("ban"));
            assertThat(failure(room, room.event(BOB, "m.room.member", CHARLIE, member("leave"))))
                    .contains(AuthFailure.INSUFFICIENT_POWER);
        }

        @Test
        void cannotKickAnEqual() {
            TestRoom room = publicRoom(AuthorizationRules.V10, "10");
            room.join(BOB);
            room.send(ALICE, "m.room.power_levels", "", "{\"users\": {\"" + ALICE + "\": 100, \"" + BOB + "\": 100}}");
            assertThat(failure(room, room.event(BOB, "m.room.member", ALICE, member("ban"))))
                    .contains(AuthFailure.INSUFFICIENT_POWER);
        }

        @Test
        void unknownMembershipIsRejected() {
            TestRoom room = publicRoom(AuthorizationRules.V10, "10");
            assertThat(failure(room, room.event(BOB, "m.room.member", BOB, member("wave"))))
                    .contains(AuthFailure.INVALID_MEMBERSHIP);
            assertThat(failure(room, room.event(BOB, "m.room.member", BOB, "{}")))
                    .contains(AuthFailure.INVALID_MEMBERSHIP);
        }
    }

    @Nested
    class GeneralRules {
        @ParameterizedTest
        @MethodSource("dev.lattice.protocol.auth.AuthCheckTest#allVersions")
        void senderMustBeJoined(AuthorizationRules rules, String version) {
            TestRoom room = publicRoom(rules, version);
            assertThat(failure(room, room.event(BOB, "m.room.message", null, "{}")))
                    .contains(AuthFailure.SENDER_NOT_JOINED);
        }

        @ParameterizedTest
        @MethodSource("dev.lattice.protocol.auth.AuthCheckTest#allVersions")
        void stateDefaultEventsDefaultAndUsersDefault(AuthorizationRules rules, String version) {
            TestRoom room = publicRoom(rules, version);
            room.join(BOB);
            room.send(BOB, "m.room.message", null, "{}");
            assertThat(failure(room, room.event(BOB, "m.room.topic", "", "{\"topic\":\"x\"}")))
                    .contains(AuthFailure.INSUFFICIENT_POWER);
            String users = rules.explicitlyPrivilegeRoomCreators() ? "{}" : "{\"" + ALICE + "\": 100}";
            room.send(
                    ALICE,
                    "m.room.power_levels",
                    "",
                    "{\"users_default\": 10, \"events_default\": 20, \"state_default\": 5, \"users\": " + users + "}");
            assertThat(failure(room, room.event(BOB, "m.room.message", null, "{}")))
                    .contains(AuthFailure.INSUFFICIENT_POWER);
            room.send(BOB, "m.room.topic", "", "{\"topic\":\"x\"}");
            room.send(
                    ALICE,
                    "m.room.power_levels",
                    "",
                    "{\"users_default\": 10, \"events_default\": 20, "
                            + "\"state_default\": 5, \"events\": {\"m.room.topic\": 11}, \"users\": " + users + "}");
            assertThat(failure(room, room.event(BOB, "m.room.topic", "", "{\"topic\":\"y\"}")))
                    .contains(AuthFailure.INSUFFICIENT_POWER);
        }

        @Test
        void stateKeyStartingWithAtMustBeTheSender() {
            TestRoom room = publicRoom(AuthorizationRules.V10, "10");
            assertThat(failure(room, room.event(ALICE, "m.custom", BOB, "{}")))
                    .contains(AuthFailure.STATE_KEY_NOT_SENDER);
            room.send(ALICE, "m.custom", ALICE, "{}");
        }

        @Test
        void thirdPartyInviteEventNeedsTheInviteLevel() {
            TestRoom room = publicRoom(AuthorizationRules.V10, "10");
            room.join(BOB);
            room.send(ALICE, "m.room.power_levels", "", "{\"invite\": 50, \"users\": {\"" + ALICE + "\": 100}}");
            assertThat(failure(room, room.event(BOB, "m.room.third_party_invite", "t", "{}")))
                    .contains(AuthFailure.INSUFFICIENT_POWER);
            room.send(ALICE, "m.room.third_party_invite", "t", "{}");
        }
    }

    @Nested
    class ThirdPartyInvites {
        private static final String TOKEN = "abc";

        private TestRoom roomWithThirdPartyInvite(boolean signatureValid) {
            TestRoom room = publicRoom(AuthorizationRules.V10, "10")
                    .withVerifiers(
                            AuthVerifiers.of((signed, keys) -> signatureValid && keys.equals(List.of("key1", "key2"))));
            room.join(BOB);
            room.send(
                    ALICE,
                    "m.room.third_party_invite",
                    TOKEN,
                    "{\"display_name\":\"b...\",\"public_key\":\"key1\","
                            + "\"public_keys\":[{\"public_key\":\"key2\"}],\"key_validity_url\":\"https://id/\"}");
            return room;
        }

        private static String invite(String mxid, String token) {
            return "{\"membership\":\"invite\",\"third_party_invite\":{\"display_name\":\"b...\","
                    + "\"signed\":{\"mxid\":\"" + mxid + "\",\"token\":\"" + token + "\","
                    + "\"signatures\":{\"id.example\":{\"ed25519:0\":\"sig\"}}}}}";
        }

        @Test
        void validThirdPartyInviteIsAllowed() {
            TestRoom room = roomWithThirdPartyInvite(true);
            TestingRoomEvent event = room.event(ALICE, "m.room.member", CHARLIE, invite(CHARLIE, TOKEN));
            assertThat(event.authEvents())
                    .contains(room.stateEvent("m.room.third_party_invite", TOKEN)
                            .orElseThrow()
                            .eventId());
            assertThat(failure(room, event)).isEmpty();
        }

        @Test
        void badSignatureIsRejected() {
            TestRoom room = roomWithThirdPartyInvite(false);
            assertThat(failure(room, room.event(ALICE, "m.room.member", CHARLIE, invite(CHARLIE, TOKEN))))
                    .contains(AuthFailure.INVALID_SIGNATURE);
        }

        @Test
        void mismatchesAreRejected() {
            TestRoom room = roomWithThirdPartyInvite(true);
            assertThat(failure(room, room.event(ALICE, "m.room.member", CHARLIE, invite(BOB, TOKEN))))
                    .contains(AuthFailure.INVALID_THIRD_PARTY_INVITE);
            assertThat(failure(room, room.event(ALICE, "m.room.member", CHARLIE, invite(CHARLIE, "other"))))
                    .contains(AuthFailure.INVALID_THIRD_PARTY_INVITE);
            assertThat(failure(room, room.event(BOB, "m.room.member", CHARLIE, invite(CHARLIE, TOKEN))))
                    .as("sender is not the sender of the m.room.third_party_invite")
                    .contains(AuthFailure.INVALID_THIRD_PARTY_INVITE);
            assertThat(failure(
                            room,
                            room.event(
                                    ALICE,
                                    "m.room.member",
                                    CHARLIE,
                                    "{\"membership\":\"invite\",\"third_party_invite\":{}}")))
                    .contains(AuthFailure.INVALID_THIRD_PARTY_INVITE);
        }

        @Test
        void bannedTargetIsRejected() {
            TestRoom room = roomWithThirdPartyInvite(true);
            room.send(ALICE, "m.room.member", CHARLIE, member("ban"));
            assertThat(failure(room, room.event(ALICE, "m.room.member", CHARLIE, invite(CHARLIE, TOKEN))))
                    .contains(AuthFailure.BANNED);
        }
    }

    @Nested
    class Redactions {
        private static TestingRoomEvent redaction(TestRoom room, String sender, String redacts) {
            return room.event(sender, "m.room.redaction", Optional.empty(), JsonObject.EMPTY, Optional.of(redacts));
        }

        @Test
        void versions1And2NeedTheRedactLevelOrTheSameServer() {
            TestRoom room = publicRoom(AuthorizationRules.V1, "1");
            room.join(BOB);
            TestingRoomEvent local = room.send(ALICE, "m.room.message", null, "{}");
            // Event IDs in v1 carry the origin server: the redaction's ID and the target's are both example.org.
            assertThat(failure(room, redaction(room, BOB, local.eventId()))).isEmpty();
            assertThat(failure(room, redaction(room, BOB, "$remote:other.example")))
                    .contains(AuthFailure.REDACTION_NOT_ALLOWED);
            assertThat(failure(room, redaction(room, ALICE, "$remote:other.example")))
                    .isEmpty();
        }

        @Test
        void fromVersion3TheAuthRulesOnlyApplyTheEventLevel() {
            TestRoom room = publicRoom(AuthorizationRules.V3, "3");
            room.join(BOB);
            assertThat(failure(room, redaction(room, BOB, "$remote:other.example")))
                    .isEmpty();
            room.send(
                    ALICE,
                    "m.room.power_levels",
                    "",
                    "{\"events\":{\"m.room.redaction\": 10}, \"users\": {\"" + ALICE + "\": 100}}");
            assertThat(failure(room, redaction(room, BOB, "$remote:other.example")))
                    .contains(AuthFailure.INSUFFICIENT_POWER);
        }

        @Test
        void redactionIsAppliedForTheRedactLevelOrTheSameServer() {
            TestRoom room = publicRoom(AuthorizationRules.V11, "11");
            room.join(BOB);
            room.join(EVE);
            TestingRoomEvent bobs = room.send(BOB, "m.room.message", null, "{}");
            TestingRoomEvent eves = room.send(EVE, "m.room.message", null, "{}");
            StateLookup state = StateLookup.of(room.state());
            assertThat(RedactionAuthority.mayApply(room.rules(), state, redaction(room, BOB, bobs.eventId()), bobs))
                    .isTrue();
            assertThat(RedactionAuthority.mayApply(room.rules(), state, redaction(room, BOB, eves.eventId()), eves))
                    .isFalse();
            assertThat(RedactionAuthority.mayApply(room.rules(), state, redaction(room, ALICE, eves.eventId()), eves))
                    .isTrue();
        }
    }

    @Nested
    class Aliases {
        @Test
        void versions1To5AllowAliasesForTheSendersServer() {
            for (AuthorizationRules rules : List.of(AuthorizationRules.V1, AuthorizationRules.V3)) {
                TestRoom room = publicRoom(rules, "3");
                // Eve is not even in the room.
                assertThat(failure(room, room.event(EVE, "m.room.aliases", "evil.example", "{\"aliases\":[]}")))
                        .isEmpty();
                assertThat(failure(room, room.event(EVE, "m.room.aliases", "example.org", "{\"aliases\":[]}")))
                        .contains(AuthFailure.ALIASES_SERVER_MISMATCH);
            }
        }

        @Test
        void fromVersion6AliasesFollowTheGeneralRules() {
            TestRoom room = publicRoom(AuthorizationRules.V6, "6");
            assertThat(failure(room, room.event(EVE, "m.room.aliases", "evil.example", "{\"aliases\":[]}")))
                    .contains(AuthFailure.SENDER_NOT_JOINED);
        }
    }
}
