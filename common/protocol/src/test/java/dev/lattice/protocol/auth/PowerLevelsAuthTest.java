package dev.lattice.protocol.auth;

import static dev.lattice.protocol.auth.TestRoom.ALICE;
import static dev.lattice.protocol.auth.TestRoom.BOB;
import static dev.lattice.protocol.auth.TestRoom.CHARLIE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.protocol.json.JsonString;
import dev.lattice.protocol.version.AuthorizationRules;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PowerLevelsAuthTest {

    private static Optional<AuthFailure> failure(TestRoom room, String sender, String content) {
        return room.check(room.event(sender, "m.room.power_levels", "", content))
                .failure();
    }

    private static TestRoom room(AuthorizationRules rules, String version) {
        TestRoom room = TestRoom.create(rules, version, ALICE).publicChat(ALICE);
        room.join(BOB);
        room.join(CHARLIE);
        return room;
    }

    @Test
    void version10RejectsStringLevels() {
        TestRoom room = room(AuthorizationRules.V10, "10");
        assertThat(failure(room, ALICE, "{\"users\": {\"" + ALICE + "\": \"100\"}}"))
                .contains(AuthFailure.INVALID_POWER_LEVELS);
        assertThat(failure(room, ALICE, "{\"ban\": \"50\", \"users\": {\"" + ALICE + "\": 100}}"))
                .contains(AuthFailure.INVALID_POWER_LEVELS);
        assertThat(failure(room, ALICE, "{\"events\": {\"m.room.name\": \"50\"}, \"users\": {\"" + ALICE + "\": 100}}"))
                .contains(AuthFailure.INVALID_POWER_LEVELS);
        assertThat(failure(room, ALICE, "{\"notifications\": [], \"users\": {\"" + ALICE + "\": 100}}"))
                .contains(AuthFailure.INVALID_POWER_LEVELS);
        assertThat(failure(room, ALICE, "{\"users\": {\"not-a-user\": 10, \"" + ALICE + "\": 100}}"))
                .contains(AuthFailure.INVALID_POWER_LEVELS);
    }

    @Test
    void beforeVersion10StringLevelsAreParsed() {
        TestRoom room = room(AuthorizationRules.V8, "9");
        room.send(
                ALICE,
                "m.room.power_levels",
                "",
                "{\"ban\": \" +0050 \", \"users\": {\"" + ALICE + "\": \"100\", \"" + BOB + "\": \"-5\"}}");
        // Bob at -5 is below events_default 0.
        assertThat(room.check(room.event(BOB, "m.room.message", null, "{}")).failure())
                .contains(AuthFailure.INSUFFICIENT_POWER);
        assertThat(failure(room, ALICE, "{\"users\": {\"" + ALICE + "\": \"1e2\"}}"))
                .contains(AuthFailure.INVALID_POWER_LEVELS);
        assertThat(failure(room, ALICE, "{\"users\": {\"" + ALICE + "\": \"10.5\"}}"))
                .contains(AuthFailure.INVALID_POWER_LEVELS);
        assertThat(failure(room, ALICE, "{\"users\": {\"" + ALICE + "\": \"+-1\"}}"))
                .contains(AuthFailure.INVALID_POWER_LEVELS);
        // "050" and 50 are the same level: not a change.
        assertThat(failure(room, ALICE, "{\"ban\": 50, \"users\": {\"" + ALICE + "\": 100, \"" + BOB + "\": -5}}"))
                .isEmpty();
    }

    @Test
    void levelOutsideTheCanonicalIntegerRangeIsRejected() {
        TestRoom room = room(AuthorizationRules.V8, "9");
        assertThat(failure(room, ALICE, "{\"users\": {\"" + ALICE + "\": \"9007199254740992\"}}"))
                .contains(AuthFailure.INVALID_POWER_LEVELS);
        assertThat(failure(room, ALICE, "{\"kick\": \"-9007199254740992\", \"users\": {\"" + ALICE + "\": 100}}"))
                .contains(AuthFailure.INVALID_POWER_LEVELS);
        assertThat(failure(room, ALICE, "{\"kick\": \"9007199254740991\", \"users\": {\"" + ALICE + "\": 100}}"))
                .as("2^53-1 is in range, but above Alice's level")
                .contains(AuthFailure.POWER_LEVELS_CHANGE_NOT_ALLOWED);
        assertThat(PowerLevels.parseLevel(AuthorizationRules.V8, JsonString.of("99999999999999999999999")))
                .isEmpty();
    }

    @Test
    void changeChecks() {
        TestRoom room = room(AuthorizationRules.V10, "10");
        room.send(
                ALICE,
                "m.room.power_levels",
                "",
                "{\"users\": {\"" + ALICE + "\": 100, \"" + BOB + "\": 50, \"" + CHARLIE + "\": 50}, "
                        + "\"events\": {\"m.room.name\": 60}, \"notifications\": {\"room\": 70}}");
        String base = "\"" + ALICE + "\": 100, \"" + BOB + "\": 50";
        // Raise someone above oneself.
        assertThat(failure(
                        room,
                        BOB,
                        "{\"users\": {" + base + ", \"" + CHARLIE + "\": 51}, "
                                + "\"events\": {\"m.room.name\": 60}, \"notifications\": {\"room\": 70}}"))
                .contains(AuthFailure.POWER_LEVELS_CHANGE_NOT_ALLOWED);
        // Demote a peer at the same level.
        assertThat(failure(
                        room,
                        BOB,
                        "{\"users\": {" + base + ", \"" + CHARLIE + "\": 0}, "
                                + "\"events\": {\"m.room.name\": 60}, \"notifications\": {\"room\": 70}}"))
                .contains(AuthFailure.POWER_LEVELS_CHANGE_NOT_ALLOWED);
        // Demote oneself: allowed.
        assertThat(failure(
                        room,
                        BOB,
                        "{\"users\": {\"" + ALICE + "\": 100, \"" + BOB + "\": 10, \"" + CHARLIE
                                + "\": 50}, \"events\": {\"m.room.name\": 60}, \"notifications\": {\"room\": 70}}"))
                .isEmpty();
        // Change an event level above oneself.
        assertThat(failure(
                        room,
                        BOB,
                        "{\"users\": {" + base + ", \"" + CHARLIE + "\": 50}, "
                                + "\"events\": {\"m.room.name\": 10}, \"notifications\": {\"room\": 70}}"))
                .contains(AuthFailure.POWER_LEVELS_CHANGE_NOT_ALLOWED);
        // Notifications (checked from v6).
        assertThat(failure(
                        room,
                        BOB,
                        "{\"users\": {" + base + ", \"" + CHARLIE + "\": 50}, " + "\"events\": {\"m.room.name\": 60}}"))
                .contains(AuthFailure.POWER_LEVELS_CHANGE_NOT_ALLOWED);
        // A named level above oneself.
        assertThat(
                        failure(
                                room,
                                BOB,
                                "{\"users\": {" + base + ", \"" + CHARLIE + "\": 50}, "
                                        + "\"events\": {\"m.room.name\": 60}, \"notifications\": {\"room\": 70}, \"kick\": 51}"))
                .contains(AuthFailure.POWER_LEVELS_CHANGE_NOT_ALLOWED);
    }

    @Test
    void notificationsAreUncheckedBeforeVersion6() {
        TestRoom room = room(AuthorizationRules.V3, "5");
        room.send(
                ALICE,
                "m.room.power_levels",
                "",
                "{\"users\": {\"" + ALICE + "\": 100, \"" + BOB + "\": 50}, " + "\"notifications\": {\"room\": 70}}");
        assertThat(failure(
                        room,
                        BOB,
                        "{\"users\": {\"" + ALICE + "\": 100, \"" + BOB + "\": 50}, "
                                + "\"notifications\": {\"room\": 0}}"))
                .isEmpty();
        TestRoom v6 = room(AuthorizationRules.V6, "6");
        v6.send(
                ALICE,
                "m.room.power_levels",
                "",
                "{\"users\": {\"" + ALICE + "\": 100, \"" + BOB + "\": 50}, " + "\"notifications\": {\"room\": 70}}");
        assertThat(failure(
                        v6,
                        BOB,
                        "{\"users\": {\"" + ALICE + "\": 100, \"" + BOB + "\": 50}, "
                                + "\"notifications\": {\"room\": 0}}"))
                .contains(AuthFailure.POWER_LEVELS_CHANGE_NOT_ALLOWED);
    }

    @Test
    void version12CreatorsHaveInfinitePowerAndCannotBeListed() {
        TestRoom room = TestRoom.create(
                        AuthorizationRules.V12, "12", ALICE, "{\"additional_creators\": [\"" + CHARLIE + "\"]}")
                .publicChat(ALICE);
        room.join(BOB);
        room.join(CHARLIE);
        assertThat(failure(room, ALICE, "{\"users\": {\"" + ALICE + "\": 100}}"))
                .contains(AuthFailure.INVALID_POWER_LEVELS);
        assertThat(failure(room, ALICE, "{\"users\": {\"" + CHARLIE + "\": 100}}"))
                .contains(AuthFailure.INVALID_POWER_LEVELS);
        // A creator can grant any level, even the maximum.
        room.send(CHARLIE, "m.room.power_levels", "", "{\"users\": {\"" + BOB + "\": 9007199254740991}}");
        // Bob at 2^53-1 still cannot touch a creator.
        assertThat(room.check(room.event(BOB, "m.room.member", CHARLIE, "{\"membership\":\"ban\"}"))
                        .failure())
                .contains(AuthFailure.INSUFFICIENT_POWER);
        // Creators cannot kick each other either (infinity is not below infinity), but can kick Bob.
        assertThat(room.check(room.event(ALICE, "m.room.member", CHARLIE, "{\"membership\":\"leave\"}"))
                        .failure())
                .contains(AuthFailure.INSUFFICIENT_POWER);
        room.send(CHARLIE, "m.room.member", BOB, "{\"membership\":\"ban\"}");
    }

    @Test
    void withoutPowerLevelsTheCreatorHas100() {
        TestRoom room = TestRoom.create(AuthorizationRules.V10, "10", ALICE);
        room.send(ALICE, "m.room.join_rules", "", "{\"join_rule\":\"public\"}");
        room.join(BOB);
        assertThat(room.check(room.event(BOB, "m.room.name", "", "{}")).failure())
                .contains(AuthFailure.INSUFFICIENT_POWER);
        room.send(ALICE, "m.room.member", BOB, "{\"membership\":\"ban\"}");
    }
}
