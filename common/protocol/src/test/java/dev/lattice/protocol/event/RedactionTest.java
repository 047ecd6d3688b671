package dev.lattice.protocol.event;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.version.RoomVersionRules;
import org.junit.jupiter.api.Test;

class RedactionTest {

    private static JsonObject event(String type, String content) {
        return CanonicalJson.parseObject("{\"type\":\"" + type + "\",\"content\":" + content + ",\"sender\":\"@a:x\","
                + "\"room_id\":\"!r:x\",\"state_key\":\"\",\"origin\":\"x\",\"membership\":\"join\","
                + "\"prev_state\":[],\"unsigned\":{\"age\":1},\"age_ts\":5,\"extra\":true,\"depth\":1,"
                + "\"hashes\":{\"sha256\":\"h\"},\"signatures\":{},\"prev_events\":[],\"auth_events\":[],"
                + "\"origin_server_ts\":1,\"event_id\":\"$e:x\",\"redacts\":\"$r:x\"}");
    }

    private static String content(RoomVersionRules rules, String type, String content) {
        return CanonicalJson.encodeToString(Redaction.redact(rules, event(type, content))
                .getObject("content")
                .get());
    }

    @Test
    void topLevelKeys() {
        JsonObject v1 = Redaction.redact(RoomVersionRules.V1, event("m.room.message", "{\"body\":\"x\"}"));
        assertThat(v1.members().keySet())
                .containsExactlyInAnyOrder(
                        "auth_events",
                        "content",
                        "depth",
                        "event_id",
                        "hashes",
                        "membership",
                        "origin",
                        "origin_server_ts",
                        "prev_events",
                        "prev_state",
                        "room_id",
                        "sender",
                        "signatures",
                        "state_key",
                        "type");
        JsonObject v11 = Redaction.redact(RoomVersionRules.V11, event("m.room.message", "{\"body\":\"x\"}"));
        assertThat(v11.members().keySet())
                .containsExactlyInAnyOrder(
                        "auth_events",
                        "content",
                        "depth",
                        "event_id",
                        "hashes",
                        "origin_server_ts",
                        "prev_events",
                        "room_id",
                        "sender",
                        "signatures",
                        "state_key",
                        "type");
        assertThat(v11.getObject("content")).contains(JsonObject.EMPTY);
        // redacts at the top level is never kept; from v11 it lives in content.
        assertThat(v1.has("redacts")).isFalse();
    }

    @Test
    void create() {
        String c = "{\"creator\":\"@a:x\",\"room_version\":\"9\",\"m.federate\":false}";
        assertThat(content(RoomVersionRules.V1, "m.room.create", c)).isEqualTo("{\"creator\":\"@a:x\"}");
        assertThat(content(RoomVersionRules.V10, "m.room.create", c)).isEqualTo("{\"creator\":\"@a:x\"}");
        assertThat(content(RoomVersionRules.V11, "m.room.create", c))
                .isEqualTo("{\"creator\":\"@a:x\",\"m.federate\":false,\"room_version\":\"9\"}");
        assertThat(content(
                        RoomVersionRules.V12, "m.room.create", "{\"room_version\":\"12\",\"additional_creators\":[]}"))
                .isEqualTo("{\"additional_creators\":[],\"room_version\":\"12\"}");
    }

    @Test
    void member() {
        String c = "{\"membership\":\"join\",\"displayname\":\"A\",\"join_authorised_via_users_server\":\"@b:y\","
                + "\"third_party_invite\":{\"display_name\":\"d\",\"signed\":{\"mxid\":\"@a:x\",\"token\":\"t\"}}}";
        assertThat(content(RoomVersionRules.V8, "m.room.member", c)).isEqualTo("{\"membership\":\"join\"}");
        assertThat(content(RoomVersionRules.V9, "m.room.member", c))
                .isEqualTo("{\"join_authorised_via_users_server\":\"@b:y\",\"membership\":\"join\"}");
        assertThat(content(RoomVersionRules.V11, "m.room.member", c))
                .isEqualTo("{\"join_authorised_via_users_server\":\"@b:y\",\"membership\":\"join\","
                        + "\"third_party_invite\":{\"signed\":{\"mxid\":\"@a:x\",\"token\":\"t\"}}}");
        assertThat(content(
                        RoomVersionRules.V11,
                        "m.room.member",
                        "{\"membership\":\"invite\",\"third_party_invite\":{\"display_name\":\"d\"}}"))
                .isEqualTo("{\"membership\":\"invite\"}");
    }

    @Test
    void joinRules() {
        String c = "{\"join_rule\":\"restricted\",\"allow\":[{\"type\":\"m.room_membership\",\"room_id\":\"!s:x\"}],"
                + "\"other\":1}";
        assertThat(content(RoomVersionRules.V7, "m.room.join_rules", c)).isEqualTo("{\"join_rule\":\"restricted\"}");
        assertThat(content(RoomVersionRules.V8, "m.room.join_rules", c))
                .isEqualTo("{\"allow\":[{\"room_id\":\"!s:x\",\"type\":\"m.room_membership\"}],"
                        + "\"join_rule\":\"restricted\"}");
    }

    @Test
    void powerLevels() {
        String c = "{\"ban\":50,\"events\":{},\"events_default\":0,\"invite\":0,\"kick\":50,\"notifications\":{},"
                + "\"redact\":50,\"state_default\":50,\"users\":{},\"users_default\":0}";
        assertThat(content(RoomVersionRules.V10, "m.room.power_levels", c))
                .isEqualTo("{\"ban\":50,\"events\":{},\"events_default\":0,\"kick\":50,\"redact\":50,"
                        + "\"state_default\":50,\"users\":{},\"users_default\":0}");
        assertThat(content(RoomVersionRules.V11, "m.room.power_levels", c))
                .isEqualTo("{\"ban\":50,\"events\":{},\"events_default\":0,\"invite\":0,\"kick\":50,\"redact\":50,"
                        + "\"state_default\":50,\"users\":{},\"users_default\":0}");
    }

    @Test
    void historyVisibilityAliasesAndRedactions() {
        assertThat(content(
                        RoomVersionRules.V1,
                        "m.room.history_visibility",
                        "{\"history_visibility\":\"shared\"," + "\"x\":1}"))
                .isEqualTo("{\"history_visibility\":\"shared\"}");
        assertThat(content(RoomVersionRules.V12, "m.room.history_visibility", "{\"history_visibility\":\"shared\"}"))
                .isEqualTo("{\"history_visibility\":\"shared\"}");
        String aliases = "{\"aliases\":[\"#a:x\"]}";
        assertThat(content(RoomVersionRules.V5, "m.room.aliases", aliases)).isEqualTo(aliases);
        assertThat(content(RoomVersionRules.V6, "m.room.aliases", aliases)).isEqualTo("{}");
        String redaction = "{\"redacts\":\"$r:x\",\"reason\":\"spam\"}";
        assertThat(content(RoomVersionRules.V10, "m.room.redaction", redaction)).isEqualTo("{}");
        assertThat(content(RoomVersionRules.V11, "m.room.redaction", redaction)).isEqualTo("{\"redacts\":\"$r:x\"}");
    }
}
