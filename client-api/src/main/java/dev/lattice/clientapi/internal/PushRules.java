package dev.lattice.clientapi.internal;

import dev.lattice.protocol.id.UserId;
import dev.lattice.protocol.spec.ErrorCode;
import dev.lattice.protocol.spec.MatrixException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.json.JsonMapper;

/**
 * A user's push rules: the spec's server-default rules
 * (<a href="https://spec.matrix.org/v1.19/client-server-api/#predefined-rules">predefined rules</a>), in the spec's
 * order, with the user's ID and localpart filled in. Users cannot change them yet (no PUT/DELETE of rules, enabled
 * or actions), so every user's ruleset is the default one: clients read it at start-up ({@code GET /pushrules/})
 * and in {@code /sync} as the {@code m.push_rules} account data. Pure: no I/O.
 */
public final class PushRules {
    /** The account data type under which clients find the ruleset in {@code /sync}. */
    public static final String ACCOUNT_DATA_TYPE = "m.push_rules";
    /** The rule kinds, in the order the spec evaluates them. */
    static final List<String> KINDS = List.of("override", "content", "room", "sender", "underride");

    private static final ObjectWriter WRITER = JsonMapper.builder().build().writer();

    private static final Object NOTIFY = "notify";
    private static final Object SOUND_DEFAULT = Map.of("set_tweak", "sound", "value", "default");
    private static final Object SOUND_RING = Map.of("set_tweak", "sound", "value", "ring");
    private static final Object HIGHLIGHT = Map.of("set_tweak", "highlight");

    private PushRules() {}

    /** The ruleset of one scope ({@code global}): kind → rules, every kind present. */
    public static Map<String, Object> ruleset(UserId user) {
        Map<String, Object> ruleset = new LinkedHashMap<>();
        ruleset.put(
                "override",
                List.of(
                        rule(".m.rule.master", false, List.of(), List.of()),
                        rule(
                                ".m.rule.suppress_notices",
                                true,
                                List.of(eventMatch("content.msgtype", "m.notice")),
                                List.of()),
                        rule(
                                ".m.rule.invite_for_me",
                                true,
                                List.of(
                                        eventMatch("type", "m.room.member"),
                                        eventMatch("content.membership", "invite"),
                                        eventMatch("state_key", user.value())),
                                List.of(NOTIFY, SOUND_DEFAULT)),
                        rule(".m.rule.member_event", true, List.of(eventMatch("type", "m.room.member")), List.of()),
                        rule(
                                ".m.rule.is_user_mention",
                                true,
                                List.of(Map.of(
                                        "kind",
                                        "event_property_contains",
                                        "key",
                                        "content.m\\.mentions.user_ids",
                                        "value",
                                        user.value())),
                                List.of(NOTIFY, SOUND_DEFAULT, HIGHLIGHT)),
                        rule(
                                ".m.rule.contains_display_name",
                                true,
                                List.of(Map.of("kind", "contains_display_name")),
                                List.of(NOTIFY, SOUND_DEFAULT, HIGHLIGHT)),
                        rule(
                                ".m.rule.is_room_mention",
                                true,
                                List.of(
                                        Map.of(
                                                "kind",
                                                "event_property_is",
                                                "key",
                                                "content.m\\.mentions.room",
                                                "value",
                                                true),
                                        Map.of("kind", "sender_notification_permission", "key", "room")),
                                List.of(NOTIFY, HIGHLIGHT)),
                        rule(
                                ".m.rule.roomnotif",
                                true,
                                List.of(
                                        Map.of("kind", "sender_notification_permission", "key", "room"),
                                        eventMatch("content.body", "@room")),
                                List.of(NOTIFY, HIGHLIGHT)),
                        rule(
                                ".m.rule.tombstone",
                                true,
                                List.of(eventMatch("type", "m.room.tombstone"), eventMatch("state_key", "")),
                                List.of(NOTIFY, HIGHLIGHT)),
                        rule(".m.rule.reaction", true, List.of(eventMatch("type", "m.reaction")), List.of()),
                        rule(
                                ".m.rule.room.server_acl",
                                true,
                                List.of(eventMatch("type", "m.room.server_acl"), eventMatch("state_key", "")),
                                List.of()),
                        rule(
                                ".m.rule.suppress_edits",
                                true,
                                List.of(Map.of(
                                        "kind",
                                        "event_property_is",
                                        "key",
                                        "content.m\\.relates_to.rel_type",
                                        "value",
                                        "m.replace")),
                                List.of())));
        Map<String, Object> userName = new LinkedHashMap<>();
        userName.put("rule_id", ".m.rule.contains_user_name");
        userName.put("default", true);
        userName.put("enabled", true);
        userName.put("pattern", user.localpart());
        userName.put("actions", List.of(NOTIFY, SOUND_DEFAULT, HIGHLIGHT));
        ruleset.put("content", List.of(userName));
        ruleset.put("room", List.of());
        ruleset.put("sender", List.of());
        ruleset.put(
                "underride",
                List.of(
                        rule(
                                ".m.rule.call",
                                true,
                                List.of(eventMatch("type", "m.call.invite")),
                                List.of(NOTIFY, SOUND_RING)),
                        rule(
                                ".m.rule.encrypted_room_one_to_one",
                                true,
                                List.of(roomMemberCountIs("2"), eventMatch("type", "m.room.encrypted")),
                                List.of(NOTIFY, SOUND_DEFAULT)),
                        rule(
                                ".m.rule.room_one_to_one",
                                true,
                                List.of(roomMemberCountIs("2"), eventMatch("type", "m.room.message")),
                                List.of(NOTIFY, SOUND_DEFAULT)),
                        rule(".m.rule.message", true, List.of(eventMatch("type", "m.room.message")), List.of(NOTIFY)),
                        rule(
                                ".m.rule.encrypted",
                                true,
                                List.of(eventMatch("type", "m.room.encrypted")),
                                List.of(NOTIFY))));
        return ruleset;
    }

    /** The {@code m.push_rules} account data content: {@code {"global": ruleset}}, as JSON text. */
    public static String accountDataJson(UserId user) {
        return WRITER.writeValueAsString(Map.of("global", ruleset(user)));
    }

    /** One rule, or 400 {@code M_INVALID_PARAM} for an unknown kind, 404 {@code M_NOT_FOUND} for an unknown rule. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> rule(UserId user, String kind, String ruleId) {
        if (!KINDS.contains(kind)) {
            throw new MatrixException(ErrorCode.INVALID_PARAM, "Unknown push rule kind " + kind);
        }
        Optional<Map<String, Object>> found = ((List<Map<String, Object>>)
                        ruleset(user).get(kind))
                .stream().filter(rule -> rule.get("rule_id").equals(ruleId)).findFirst();
        return found.orElseThrow(() -> new MatrixException(ErrorCode.NOT_FOUND, "Unknown push rule " + ruleId));
    }

    private static Map<String, Object> rule(String id, boolean enabled, List<?> conditions, List<?> actions) {
        Map<String, Object> rule = new LinkedHashMap<>();
        rule.put("rule_id", id);
        rule.put("default", true);
        rule.put("enabled", enabled);
        rule.put("conditions", conditions);
        rule.put("actions", actions);
        return rule;
    }

    private static Object eventMatch(String key, String pattern) {
        return Map.of("kind", "event_match", "key", key, "pattern", pattern);
    }

    private static Object roomMemberCountIs(String is) {
        return Map.of("kind", "room_member_count", "is", is);
    }
}
