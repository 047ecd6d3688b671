package dev.lattice.clientapi;

import static dev.lattice.clientapi.Accounts.call;
import static dev.lattice.clientapi.Accounts.get;
import static dev.lattice.clientapi.Accounts.newUsername;
import static dev.lattice.clientapi.Accounts.register;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.api.clientapi.UserApi;
import dev.lattice.protocol.id.UserId;
import java.util.HashMap;
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

    @Test
    void usersAddPlaceEnableChangeAndDeleteTheirRules() {
        String name = newUsername();
        Map<String, Object> session = register(server.client, name, "correct horse");
        String token = (String) session.get("access_token");
        String global = RULES + "/global";

        call(
                server.client,
                HttpMethod.PUT,
                global + "/content/tea",
                token,
                Map.of("pattern", "tea*", "actions", List.of("notify")),
                200);
        call(
                server.client,
                HttpMethod.PUT,
                global + "/content/cake?before=tea",
                token,
                Map.of("pattern", "cake", "actions", List.of("notify", Map.of("set_tweak", "highlight"))),
                200);
        call(
                server.client,
                HttpMethod.PUT,
                global + "/override/quiet",
                token,
                Map.of(
                        "conditions",
                        List.of(Map.of("kind", "event_match", "key", "room_id", "pattern", "!x:y")),
                        "actions",
                        List.of()),
                200);
        Map<String, Object> rules = (Map<String, Object>)
                get(server.client, RULES + "/", token, 200).get("global");
        // User rules come before the defaults of their kind; an override rule after the master rule only.
        assertThat(ids(rules, "content"))
                .extracting(r -> r.get("rule_id"))
                .containsExactly("cake", "tea", ".m.rule.contains_user_name");
        assertThat(ids(rules, "override"))
                .extracting(r -> r.get("rule_id"))
                .startsWith(".m.rule.master", "quiet", ".m.rule.suppress_notices");
        assertThat(ids(rules, "content").getFirst())
                .containsEntry("default", false)
                .containsEntry("enabled", true);

        call(server.client, HttpMethod.PUT, global + "/content/tea/enabled", token, Map.of("enabled", false), 200);
        assertThat(get(server.client, global + "/content/tea/enabled", token, 200))
                .isEqualTo(Map.of("enabled", false));
        // Server-default rules can be switched and given other actions, not replaced or deleted.
        call(
                server.client,
                HttpMethod.PUT,
                global + "/override/.m.rule.master/enabled",
                token,
                Map.of("enabled", true),
                200);
        call(
                server.client,
                HttpMethod.PUT,
                global + "/underride/.m.rule.message/actions",
                token,
                Map.of("actions", List.of()),
                200);
        assertThat(get(server.client, global + "/underride/.m.rule.message/actions", token, 200))
                .isEqualTo(Map.of("actions", List.of()));
        assertThat(get(server.client, global + "/override/.m.rule.master/enabled", token, 200))
                .isEqualTo(Map.of("enabled", true));
        assertThat(call(
                        server.client,
                        HttpMethod.PUT,
                        global + "/override/.m.rule.master",
                        token,
                        Map.of("actions", List.of()),
                        400))
                .containsEntry("errcode", "M_INVALID_PARAM");
        assertThat(call(server.client, HttpMethod.DELETE, global + "/override/.m.rule.master", token, null, 400))
                .containsEntry("errcode", "M_INVALID_PARAM");

        call(server.client, HttpMethod.DELETE, global + "/content/cake", token, null, 200);
        assertThat(get(server.client, global + "/content/cake", token, 404)).containsEntry("errcode", "M_NOT_FOUND");

        // Bad input: the spec's errors, and nothing changed.
        Map<String, Object> before = (Map<String, Object>)
                get(server.client, RULES + "/", token, 200).get("global");
        assertThat(call(
                        server.client,
                        HttpMethod.PUT,
                        global + "/content/x?before=nope",
                        token,
                        Map.of("pattern", "x", "actions", List.of("notify")),
                        404))
                .containsEntry("errcode", "M_NOT_FOUND");
        // (A rule ID with '/' is refused too: PushRulesTest, as the test client cannot send %2F unencoded.)
        assertThat(call(
                        server.client,
                        HttpMethod.PUT,
                        global + "/content/y",
                        token,
                        Map.of("pattern", "y", "actions", List.of("explode")),
                        400))
                .containsEntry("errcode", "M_INVALID_PARAM");
        assertThat(call(
                        server.client,
                        HttpMethod.PUT,
                        global + "/content/z",
                        token,
                        Map.of("actions", List.of("notify")),
                        400))
                .containsEntry("errcode", "M_INVALID_PARAM");
        assertThat(call(
                        server.client,
                        HttpMethod.PUT,
                        global + "/sideways/z",
                        token,
                        Map.of("actions", List.of("notify")),
                        400))
                .containsEntry("errcode", "M_INVALID_PARAM");
        assertThat(call(
                        server.client,
                        HttpMethod.PUT,
                        global + "/content/tea/enabled",
                        token,
                        Map.of("enabled", "yes"),
                        400))
                .containsEntry("errcode", "M_BAD_JSON");
        assertThat(call(server.client, HttpMethod.DELETE, global + "/content/ghost", token, null, 404))
                .containsEntry("errcode", "M_NOT_FOUND");
        assertThat(get(server.client, RULES + "/", token, 200).get("global")).isEqualTo(before);
    }

    @Test
    void pushersAreSetListedDeletedAndChecked() {
        Map<String, Object> session = register(server.client, newUsername(), "correct horse");
        String token = (String) session.get("access_token");
        String set = "/_matrix/client/v3/pushers/set";
        Map<String, Object> pusher = new HashMap<>(Map.of(
                "kind", "http",
                "app_id", "org.example",
                "pushkey", "key-1",
                "app_display_name", "Example",
                "device_display_name", "Phone",
                "lang", "en",
                "data", Map.of("url", "https://push.example.org/_matrix/push/v1/notify")));
        call(server.client, HttpMethod.POST, set, token, pusher, 200);
        List<Map<String, Object>> listed = (List<Map<String, Object>>)
                get(server.client, "/_matrix/client/v3/pushers", token, 200).get("pushers");
        assertThat(listed)
                .singleElement()
                .satisfies(p -> assertThat(p).containsEntry("pushkey", "key-1").containsEntry("kind", "http"));
        // What the syncapi asks before it queues pushes: who among these has a pusher.
        UserApi users = server.context.getBean(UserApi.class);
        UserId me = UserId.parse((String) session.get("user_id"));
        UserId withNone = UserId.parse(
                (String) register(server.client, newUsername(), "correct horse").get("user_id"));
        UserId remote = UserId.parse("@" + me.localpart() + ":elsewhere.example");
        assertThat(users.queryUsersWithPushers(List.of(me, withNone, remote)).block())
                .containsExactly(me);

        Map<String, Object> badUrl = new HashMap<>(pusher);
        badUrl.put("data", Map.of("url", "https://push.example.org/somewhere"));
        assertThat(call(server.client, HttpMethod.POST, set, token, badUrl, 400))
                .containsEntry("errcode", "M_INVALID_PARAM");
        Map<String, Object> email = new HashMap<>(pusher);
        email.put("kind", "email");
        assertThat(call(server.client, HttpMethod.POST, set, token, email, 400))
                .containsEntry("errcode", "M_INVALID_PARAM");
        Map<String, Object> missing = new HashMap<>(pusher);
        missing.remove("app_id");
        assertThat(call(server.client, HttpMethod.POST, set, token, missing, 400))
                .containsEntry("errcode", "M_MISSING_PARAM");

        Map<String, Object> delete = new HashMap<>();
        delete.put("kind", null);
        delete.put("app_id", "org.example");
        delete.put("pushkey", "key-1");
        call(server.client, HttpMethod.POST, set, token, delete, 200);
        assertThat((List<?>) get(server.client, "/_matrix/client/v3/pushers", token, 200)
                        .get("pushers"))
                .isEmpty();
        assertThat(users.queryUsersWithPushers(List.of(me)).block()).isEmpty();
    }
}
