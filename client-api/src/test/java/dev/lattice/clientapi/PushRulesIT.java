package dev.lattice.clientapi;

import static dev.lattice.clientapi.Accounts.call;
import static dev.lattice.clientapi.Accounts.get;
import static dev.lattice.clientapi.Accounts.newUsername;
import static dev.lattice.clientapi.Accounts.register;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;

/** Push rules over real HTTP: the server defaults, one rule, and the refusal to write them as account data. */
@SuppressWarnings("unchecked")
class PushRulesIT {
    private static final String RULES = "/_matrix/client/v3/pushrules";
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static List<Map<String, Object>> ids(Map<String, Object> ruleset, String kind) {
        return (List<Map<String, Object>>) ruleset.get(kind);
    }

    @Test
    void theServerDefaultsInTheSpecsOrderWithTheUsersOwnNames() {
        String name = newUsername();
        Map<String, Object> session = register(server.client, name, "correct horse");
        String token = (String) session.get("access_token");
        String userId = (String) session.get("user_id");

        Map<String, Object> global = (Map<String, Object>)
                get(server.client, RULES + "/", token, 200).get("global");
        assertThat(get(server.client, RULES + "/global/", token, 200)).isEqualTo(global);
        assertThat(global).containsOnlyKeys("override", "content", "room", "sender", "underride");
        assertThat(ids(global, "override"))
                .extracting(r -> r.get("rule_id"))
                .containsExactly(
                        ".m.rule.master",
                        ".m.rule.suppress_notices",
                        ".m.rule.invite_for_me",
                        ".m.rule.member_event",
                        ".m.rule.is_user_mention",
                        ".m.rule.contains_display_name",
                        ".m.rule.is_room_mention",
                        ".m.rule.roomnotif",
                        ".m.rule.tombstone",
                        ".m.rule.reaction",
                        ".m.rule.room.server_acl",
                        ".m.rule.suppress_edits");
        assertThat(ids(global, "underride"))
                .extracting(r -> r.get("rule_id"))
                .containsExactly(
                        ".m.rule.call",
                        ".m.rule.encrypted_room_one_to_one",
                        ".m.rule.room_one_to_one",
                        ".m.rule.message",
                        ".m.rule.encrypted");
        assertThat(ids(global, "override"))
                .allSatisfy(rule -> assertThat(rule)
                        .containsEntry("default", true)
                        .containsKeys("enabled", "conditions", "actions"));
        assertThat(ids(global, "override").getFirst()).containsEntry("enabled", false);
        assertThat(ids(global, "content"))
                .singleElement()
                .satisfies(rule -> assertThat(rule)
                        .containsEntry("rule_id", ".m.rule.contains_user_name")
                        .containsEntry("pattern", name));
        assertThat(ids(global, "override").get(2).get("conditions").toString()).contains(userId);

        String invite = RULES + "/global/override/.m.rule.invite_for_me";
        assertThat(get(server.client, invite, token, 200))
                .isEqualTo(ids(global, "override").get(2));
        assertThat(get(server.client, RULES + "/global/override/.m.rule.master/enabled", token, 200))
                .isEqualTo(Map.of("enabled", false));
        assertThat(get(server.client, RULES + "/global/underride/.m.rule.message/actions", token, 200))
                .isEqualTo(Map.of("actions", List.of("notify")));
        assertThat(get(server.client, RULES + "/global/override/.m.rule.nope", token, 404))
                .containsEntry("errcode", "M_NOT_FOUND");
        assertThat(get(server.client, RULES + "/global/sideways/.m.rule.master", token, 400))
                .containsEntry("errcode", "M_INVALID_PARAM");
        assertThat(get(server.client, RULES + "/", null, 401)).containsEntry("errcode", "M_MISSING_TOKEN");

        // The rules are the server's: not writable as account data.
        assertThat(call(
                        server.client,
                        HttpMethod.PUT,
                        "/_matrix/client/v3/user/" + userId + "/account_data/m.push_rules",
                        token,
                        Map.of("global", Map.of()),
                        405))
                .containsEntry("errcode", "M_BAD_JSON");
        assertThat(get(server.client, RULES + "/", token, 200).get("global")).isEqualTo(global);
    }
}
