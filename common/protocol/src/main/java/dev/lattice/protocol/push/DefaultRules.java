package dev.lattice.protocol.push;

import dev.lattice.protocol.id.UserId;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.json.JsonString;

/**
 * The spec's server-default push rules (<a
 * href="https://spec.matrix.org/v1.19/client-server-api/#predefined-rules">predefined rules</a>) of v1.19, in the
 * spec's order, for one user (their ID in {@code .m.rule.invite_for_me} and {@code .m.rule.is_user_mention}, their
 * localpart in {@code .m.rule.contains_user_name}): one scope, {@code {"override": [...], ..., "underride": [...]}}.
 */
public final class DefaultRules {
    private DefaultRules() {}

    private static final String NOTIFY = "\"notify\"";
    private static final String SOUND_DEFAULT = "{\"set_tweak\":\"sound\",\"value\":\"default\"}";
    private static final String SOUND_RING = "{\"set_tweak\":\"sound\",\"value\":\"ring\"}";
    private static final String HIGHLIGHT = "{\"set_tweak\":\"highlight\"}";

    public static JsonObject forUser(UserId user) {
        String override = String.join(
                ",",
                rule(".m.rule.master", false, "", ""),
                rule(".m.rule.suppress_notices", true, eventMatch("content.msgtype", "m.notice"), ""),
                rule(
                        ".m.rule.invite_for_me",
                        true,
                        eventMatch("type", "m.room.member") + "," + eventMatch("content.membership", "invite") + ","
                                + eventMatch("state_key", user.value()),
                        NOTIFY + "," + SOUND_DEFAULT),
                rule(".m.rule.member_event", true, eventMatch("type", "m.room.member"), ""),
                rule(
                        ".m.rule.is_user_mention",
                        true,
                        "{\"kind\":\"event_property_contains\",\"key\":\"content.m\\\\.mentions.user_ids\",\"value\":"
                                + CanonicalJson.encodeToString(JsonString.of(user.value()))
                                + "}",
                        NOTIFY + "," + SOUND_DEFAULT + "," + HIGHLIGHT),
                rule(
                        ".m.rule.contains_display_name",
                        true,
                        "{\"kind\":\"contains_display_name\"}",
                        NOTIFY + "," + SOUND_DEFAULT + "," + HIGHLIGHT),
                rule(
                        ".m.rule.is_room_mention",
                        true,
                        "{\"kind\":\"event_property_is\",\"key\":\"content.m\\\\.mentions.room\",\"value\":true},"
                                + "{\"kind\":\"sender_notification_permission\",\"key\":\"room\"}",
                        NOTIFY + "," + HIGHLIGHT),
                rule(
                        ".m.rule.roomnotif",
                        true,
                        "{\"kind\":\"sender_notification_permission\",\"key\":\"room\"},"
                                + eventMatch("content.body", "@room"),
                        NOTIFY + "," + HIGHLIGHT),
                rule(
                        ".m.rule.tombstone",
                        true,
                        eventMatch("type", "m.room.tombstone") + "," + eventMatch("state_key", ""),
                        NOTIFY + "," + HIGHLIGHT),
                rule(".m.rule.reaction", true, eventMatch("type", "m.reaction"), ""),
                rule(
                        ".m.rule.room.server_acl",
                        true,
                        eventMatch("type", "m.room.server_acl") + "," + eventMatch("state_key", ""),
                        ""),
                rule(
                        ".m.rule.suppress_edits",
                        true,
                        "{\"kind\":\"event_property_is\",\"key\":\"content.m\\\\.relates_to.rel_type\","
                                + "\"value\":\"m.replace\"}",
                        ""));
        String content = "{\"rule_id\":\".m.rule.contains_user_name\",\"default\":true,\"enabled\":true,\"pattern\":"
                + CanonicalJson.encodeToString(JsonString.of(user.localpart()))
                + ",\"actions\":[" + NOTIFY + "," + SOUND_DEFAULT + "," + HIGHLIGHT + "]}";
        String memberCountTwo = "{\"kind\":\"room_member_count\",\"is\":\"2\"}";
        String underride = String.join(
                ",",
                rule(".m.rule.call", true, eventMatch("type", "m.call.invite"), NOTIFY + "," + SOUND_RING),
                rule(
                        ".m.rule.encrypted_room_one_to_one",
                        true,
                        memberCountTwo + "," + eventMatch("type", "m.room.encrypted"),
                        NOTIFY + "," + SOUND_DEFAULT),
                rule(
                        ".m.rule.room_one_to_one",
                        true,
                        memberCountTwo + "," + eventMatch("type", "m.room.message"),
                        NOTIFY + "," + SOUND_DEFAULT),
                rule(".m.rule.message", true, eventMatch("type", "m.room.message"), NOTIFY),
                rule(".m.rule.encrypted", true, eventMatch("type", "m.room.encrypted"), NOTIFY));
        return CanonicalJson.parseObject("{\"override\":[" + override + "],\"content\":[" + content
                + "],\"room\":[],\"sender\":[],\"underride\":[" + underride + "]}");
    }

    private static String rule(String id, boolean enabled, String conditions, String actions) {
        return "{\"rule_id\":\"" + id + "\",\"default\":true,\"enabled\":" + enabled + ",\"conditions\":[" + conditions
                + "],\"actions\":[" + actions + "]}";
    }

    private static String eventMatch(String key, String pattern) {
        return "{\"kind\":\"event_match\",\"key\":\"" + key + "\",\"pattern\":"
                + CanonicalJson.encodeToString(JsonString.of(pattern)) + "}";
    }
}
