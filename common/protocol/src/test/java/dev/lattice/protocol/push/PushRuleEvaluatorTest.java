package dev.lattice.protocol.push;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.protocol.id.UserId;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.json.CanonicalJsonValue;
import dev.lattice.protocol.json.JsonArray;
import dev.lattice.protocol.json.JsonBool;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.json.JsonString;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The server-default rules of v1.19 on the events clients send, as Synapse decides them. */
class PushRuleEvaluatorTest {
    private static final UserId ALICE = UserId.parse("@alice:example.org");
    private static final Ruleset DEFAULTS = Ruleset.of(DefaultRules.forUser(ALICE));
    private static final JsonObject POWER_LEVELS = CanonicalJson.parseObject("{\"users\":{\"@mod:example.org\":50}}");

    private static Optional<PushRule> decide(Ruleset rules, String event, long members, long senderPower) {
        return PushRuleEvaluator.firstMatch(
                rules,
                new PushContext(
                        CanonicalJson.parseObject(event),
                        members,
                        Optional.of("Alice Smith"),
                        senderPower,
                        POWER_LEVELS));
    }

    private static String message(String body) {
        return "{\"type\":\"m.room.message\",\"sender\":\"@bob:example.org\",\"room_id\":\"!r:example.org\","
                + "\"content\":{\"msgtype\":\"m.text\",\"body\":" + CanonicalJson.encodeToString(JsonString.of(body))
                + "}}";
    }

    private static String ruleId(Optional<PushRule> rule) {
        return rule.map(PushRule::ruleId).orElse("none");
    }

    @Test
    void directMessagesGroupMessagesAndEncryptedOnesNotify() {
        assertThat(ruleId(decide(DEFAULTS, message("hi"), 2, 0))).isEqualTo(".m.rule.room_one_to_one");
        assertThat(decide(DEFAULTS, message("hi"), 2, 0).orElseThrow().highlights())
                .isFalse();
        assertThat(ruleId(decide(DEFAULTS, message("hi"), 3, 0))).isEqualTo(".m.rule.message");
        String encrypted = "{\"type\":\"m.room.encrypted\",\"sender\":\"@bob:example.org\",\"content\":{}}";
        assertThat(ruleId(decide(DEFAULTS, encrypted, 2, 0))).isEqualTo(".m.rule.encrypted_room_one_to_one");
        assertThat(ruleId(decide(DEFAULTS, encrypted, 5, 0))).isEqualTo(".m.rule.encrypted");
        assertThat(decide(DEFAULTS, encrypted, 5, 0).orElseThrow().notifies()).isTrue();
    }

    @Test
    void mentionsOfTheUserHighlightAsWholeWordsOnly() {
        PushRule byName = decide(DEFAULTS, message("hey alice, tea?"), 3, 0).orElseThrow();
        assertThat(byName.ruleId()).isEqualTo(".m.rule.contains_user_name");
        assertThat(byName.highlights()).isTrue();
        assertThat(ruleId(decide(DEFAULTS, message("malice aforethought"), 3, 0)))
                .isEqualTo(".m.rule.message");
        // The display name (an override rule) is checked before the localpart (a content rule).
        assertThat(ruleId(decide(DEFAULTS, message("ask ALICE SMITH"), 3, 0)))
                .isEqualTo(".m.rule.contains_display_name");
        assertThat(ruleId(decide(DEFAULTS, message("Alice Smithers"), 3, 0))).isEqualTo(".m.rule.contains_user_name");
        String intentional = "{\"type\":\"m.room.message\",\"sender\":\"@bob:example.org\",\"content\":{\"body\":\"x\","
                + "\"m.mentions\":{\"user_ids\":[\"@alice:example.org\"]}}}";
        assertThat(ruleId(decide(DEFAULTS, intentional, 3, 0))).isEqualTo(".m.rule.is_user_mention");
    }

    @Test
    void roomMentionsNeedTheSendersPowerLevel() {
        assertThat(decide(DEFAULTS, message("@room lunch"), 3, 50).orElseThrow().highlights())
                .isTrue();
        assertThat(ruleId(decide(DEFAULTS, message("@room lunch"), 3, 0))).isEqualTo(".m.rule.message");
        String room = "{\"type\":\"m.room.message\",\"sender\":\"@mod:example.org\",\"content\":{\"body\":\"x\","
                + "\"m.mentions\":{\"room\":true}}}";
        assertThat(ruleId(decide(DEFAULTS, room, 3, 50))).isEqualTo(".m.rule.is_room_mention");
    }

    @Test
    void noticesEditsReactionsAndMembershipsStayQuietButAnInviteForTheUserNotifies() {
        String notice = "{\"type\":\"m.room.message\",\"content\":{\"msgtype\":\"m.notice\",\"body\":\"alice\"}}";
        assertThat(decide(DEFAULTS, notice, 2, 0).orElseThrow().notifies()).isFalse();
        String edit = "{\"type\":\"m.room.message\",\"content\":{\"body\":\"* hi\","
                + "\"m.relates_to\":{\"rel_type\":\"m.replace\",\"event_id\":\"$e\"}}}";
        assertThat(ruleId(decide(DEFAULTS, edit, 2, 0))).isEqualTo(".m.rule.suppress_edits");
        assertThat(decide(DEFAULTS, edit, 2, 0).orElseThrow().notifies()).isFalse();
        String reaction = "{\"type\":\"m.reaction\",\"content\":{}}";
        assertThat(decide(DEFAULTS, reaction, 2, 0).orElseThrow().notifies()).isFalse();
        String join = "{\"type\":\"m.room.member\",\"state_key\":\"@carol:example.org\","
                + "\"content\":{\"membership\":\"join\"}}";
        assertThat(decide(DEFAULTS, join, 3, 0).orElseThrow().notifies()).isFalse();
        String invite = "{\"type\":\"m.room.member\",\"state_key\":\"@alice:example.org\","
                + "\"content\":{\"membership\":\"invite\"}}";
        assertThat(ruleId(decide(DEFAULTS, invite, 3, 0))).isEqualTo(".m.rule.invite_for_me");
        assertThat(decide(DEFAULTS, invite, 3, 0).orElseThrow().notifies()).isTrue();
    }

    @Test
    void userRulesComeFirstAndTheMasterRuleSilencesEverything() {
        JsonObject scope = DefaultRules.forUser(ALICE);
        JsonObject keyword = CanonicalJson.parseObject("{\"rule_id\":\"tea\",\"enabled\":true,\"pattern\":\"tea*\","
                + "\"actions\":[\"notify\",{\"set_tweak\":\"highlight\",\"value\":true}]}");
        List<CanonicalJsonValue> content = new ArrayList<>();
        content.add(keyword);
        content.addAll(scope.getArray("content").orElseThrow().values());
        Ruleset withKeyword = Ruleset.of(scope.with("content", new JsonArray(content)));
        assertThat(ruleId(decide(withKeyword, message("teatime?"), 3, 0))).isEqualTo("tea");
        assertThat(ruleId(decide(withKeyword, message("steam"), 3, 0))).isEqualTo(".m.rule.message");

        List<CanonicalJsonValue> override =
                new ArrayList<>(scope.getArray("override").orElseThrow().values());
        JsonObject master = (JsonObject) override.getFirst();
        assertThat(master.getString("rule_id")).contains(".m.rule.master");
        override.set(0, master.with("enabled", new JsonBool(true)));
        Ruleset muted = Ruleset.of(scope.with("override", new JsonArray(override)));
        PushRule decided = decide(muted, message("alice!"), 2, 0).orElseThrow();
        assertThat(decided.ruleId()).isEqualTo(".m.rule.master");
        assertThat(decided.notifies()).isFalse();
    }

    @Test
    void conditionsReadEscapedKeysMemberCountsAndIgnoreWhatTheyDoNotKnow() {
        assertThat(PushCondition.path("content.m\\.relates_to.rel_type"))
                .containsExactly("content", "m.relates_to", "rel_type");
        assertThat(PushCondition.path("a\\\\b.c")).containsExactly("a\\b", "c");
        PushContext three = new PushContext(CanonicalJson.parseObject("{}"), 3, Optional.empty(), 0, JsonObject.EMPTY);
        assertThat(PushCondition.RoomMemberCount.parse(">=3").orElseThrow().matches(three))
                .isTrue();
        assertThat(PushCondition.RoomMemberCount.parse("<3").orElseThrow().matches(three))
                .isFalse();
        assertThat(PushCondition.RoomMemberCount.parse("3").orElseThrow().matches(three))
                .isTrue();
        assertThat(PushCondition.RoomMemberCount.parse("=3")).isEmpty();
        assertThat(PushCondition.parse(CanonicalJson.parseObject("{\"kind\":\"org.example.future\"}"))
                        .matches(three))
                .isFalse();
        assertThat(PushCondition.parse(CanonicalJson.parseObject("{\"kind\":\"event_match\",\"key\":\"type\"}")))
                .isInstanceOf(PushCondition.Unknown.class);
        // A glob is a glob, not a regular expression.
        PushCondition dots = PushCondition.EventMatch.of("content.topic", "a.c");
        PushContext abc = new PushContext(
                CanonicalJson.parseObject("{\"content\":{\"topic\":\"abc\"}}"),
                3,
                Optional.empty(),
                0,
                JsonObject.EMPTY);
        assertThat(dots.matches(abc)).isFalse();
        assertThat(PushCondition.EventMatch.of("content.topic", "a?c").matches(abc))
                .isTrue();
    }
}
