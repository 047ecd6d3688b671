package dev.lattice.protocol.event;

import dev.lattice.protocol.json.CanonicalJsonValue;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.version.RedactionRules;
import dev.lattice.protocol.version.RoomVersionRules;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The <a href="https://spec.matrix.org/v1.19/client-server-api/#redactions">redaction algorithm</a> of each room
 * version: strip every top-level key but the essential ones, and every content key but those the event type keeps.
 * Pure; hashing and signing call it.
 */
public final class Redaction {

    private static final Set<String> TOP_LEVEL = Set.of(
            "event_id",
            "type",
            "room_id",
            "sender",
            "state_key",
            "content",
            "hashes",
            "signatures",
            "depth",
            "prev_events",
            "auth_events",
            "origin_server_ts");
    /** Kept at the top level in room versions 1–10 only. */
    private static final Set<String> TOP_LEVEL_BEFORE_V11 = Set.of("origin", "membership", "prev_state");

    private Redaction() {}

    /** The redacted form of {@code event} under {@code rules}. */
    public static JsonObject redact(RoomVersionRules rules, JsonObject event) {
        RedactionRules r = rules.redaction();
        TreeMap<String, CanonicalJsonValue> out = new TreeMap<>(JsonObject.KEY_ORDER);
        String type = event.getString("type").orElse("");
        for (Map.Entry<String, CanonicalJsonValue> member : event.members().entrySet()) {
            String key = member.getKey();
            if (TOP_LEVEL.contains(key) || (r.keepOriginMembershipPrevState() && TOP_LEVEL_BEFORE_V11.contains(key))) {
                out.put(key, key.equals("content") ? redactContent(r, type, member.getValue()) : member.getValue());
            }
        }
        return new JsonObject(out);
    }

    /** The redacted form of an event's {@code content}. A non-object content becomes {@code {}}. */
    static JsonObject redactContent(RedactionRules r, String type, CanonicalJsonValue contentValue) {
        if (!(contentValue instanceof JsonObject content)) {
            return JsonObject.EMPTY;
        }
        TreeMap<String, CanonicalJsonValue> out = new TreeMap<>(JsonObject.KEY_ORDER);
        switch (type) {
            case "m.room.member" -> {
                keep(content, out, "membership");
                if (r.keepJoinAuthorisedViaUsersServer()) {
                    keep(content, out, "join_authorised_via_users_server");
                }
                if (r.keepThirdPartyInviteSigned()
                        && content.members().get("third_party_invite") instanceof JsonObject invite
                        && invite.has("signed")) {
                    out.put(
                            "third_party_invite",
                            JsonObject.of(Map.of("signed", invite.members().get("signed"))));
                }
            }
            case "m.room.create" -> {
                if (r.keepAllCreateContent()) {
                    return content;
                }
                keep(content, out, "creator");
            }
            case "m.room.join_rules" -> {
                keep(content, out, "join_rule");
                if (r.keepJoinRulesAllow()) {
                    keep(content, out, "allow");
                }
            }
            case "m.room.power_levels" -> {
                for (String key : new String[] {
                    "ban", "events", "events_default", "kick", "redact", "state_default", "users", "users_default"
                }) {
                    keep(content, out, key);
                }
                if (r.keepPowerLevelsInvite()) {
                    keep(content, out, "invite");
                }
            }
            case "m.room.aliases" -> {
                if (r.keepAliasesContent()) {
                    keep(content, out, "aliases");
                }
            }
            case "m.room.history_visibility" -> keep(content, out, "history_visibility");
            case "m.room.redaction" -> {
                if (r.keepRedactsInContent()) {
                    keep(content, out, "redacts");
                }
            }
            default -> {
                // Every other event type loses its whole content.
            }
        }
        return out.isEmpty() ? JsonObject.EMPTY : new JsonObject(out);
    }

    private static void keep(JsonObject content, TreeMap<String, CanonicalJsonValue> out, String key) {
        CanonicalJsonValue value = content.members().get(key);
        if (value != null) {
            out.put(key, value);
        }
    }
}
