package dev.lattice.clientapi;

import static dev.lattice.clientapi.Accounts.call;
import static dev.lattice.clientapi.Accounts.get;
import static dev.lattice.clientapi.Accounts.login;
import static dev.lattice.clientapi.Accounts.newUsername;
import static dev.lattice.clientapi.Accounts.passwordAuth;
import static dev.lattice.clientapi.Accounts.post;
import static dev.lattice.clientapi.Accounts.register;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.api.Topics;
import dev.lattice.api.clientapi.SharedSecretMac;
import dev.lattice.runtime.bus.Bus;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Mono;

/** The accounts API over real HTTP against real PostgreSQL and Kafka, with registration open (dummy flow). */
class ClientApiIT {
    private static final String PASSWORD = "correct horse";
    private static final String SECRET = "s3cret";
    private static TestServer server;
    private static WebTestClient client;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of(
                "lattice.client-api.registration.shared-secret",
                SECRET,
                "lattice.client-api.password-policy.min-length",
                8,
                "lattice.client-api.refreshable-access-token-lifetime",
                "1h"));
        client = server.client;
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String userId(String localpart) {
        return "@" + localpart + ":" + TestServer.SERVER_NAME;
    }

    private static String token(Map<String, Object> session) {
        return (String) session.get("access_token");
    }

    @Test
    void registerThroughTheDummyFlowGivesAWorkingToken() {
        String name = newUsername();
        assertThat(get(client, "/_matrix/client/v3/register/available?username=" + name, null, 200))
                .containsEntry("available", true);
        Map<String, Object> session = register(client, name, PASSWORD);
        assertThat(session).containsEntry("user_id", userId(name)).containsKeys("access_token", "device_id");
        assertThat(session).doesNotContainKeys("refresh_token", "expires_in_ms");

        assertThat(get(client, "/_matrix/client/v3/account/whoami", token(session), 200))
                .containsEntry("user_id", userId(name))
                .containsEntry("device_id", session.get("device_id"))
                .containsEntry("is_guest", false);
        assertThat(get(client, "/_matrix/client/v3/profile/" + userId(name), null, 200))
                .isEqualTo(Map.of("displayname", name));
        // The deprecated query parameter works too.
        client.get()
                .uri("/_matrix/client/v3/account/whoami?access_token=" + token(session))
                .exchange()
                .expectStatus()
                .isOk();
    }

    /** Issue #15 item 16: an empty body (how Element and Synapse's own tests discover the flows) starts UIA. */
    @Test
    void anEmptyRegisterBodyStartsUserInteractiveAuth() {
        String register = "/_matrix/client/v3/register";
        Map<String, Object> challenge = post(client, register, null, Map.of(), 401);
        assertThat(challenge).doesNotContainKey("errcode").containsKeys("flows", "params", "session");
        assertThat(challenge.get("flows")).isEqualTo(List.of(Map.of("stages", List.of("m.login.dummy"))));

        // The client goes on in that session with its username and password.
        String name = newUsername();
        Map<String, Object> body = new HashMap<>(Map.of("username", name, "password", PASSWORD));
        body.put("auth", Map.of("type", "m.login.dummy", "session", challenge.get("session")));
        assertThat(post(client, register, null, body, 200)).containsEntry("user_id", userId(name));
        login(client, name, PASSWORD);

        // Completing the flow without ever giving a password is refused, as Synapse does, and creates nothing.
        String unnamed = newUsername();
        Object session = post(client, register, null, Map.of(), 401).get("session");
        Map<String, Object> noPassword =
                Map.of("username", unnamed, "auth", Map.of("type", "m.login.dummy", "session", session));
        assertThat(post(client, register, null, noPassword, 400)).containsEntry("errcode", "M_MISSING_PARAM");
        assertThat(get(client, register + "/available?username=" + unnamed, null, 200))
                .containsEntry("available", true);
    }

    @Test
    void takenInvalidGuestAndWeakRegistrationsAreRefused() {
        String name = newUsername();
        register(client, name, PASSWORD);
        assertThat(post(
                        client,
                        "/_matrix/client/v3/register",
                        null,
                        Map.of("username", name.toUpperCase(), "password", PASSWORD),
                        400))
                .containsEntry("errcode", "M_USER_IN_USE");
        assertThat(get(client, "/_matrix/client/v3/register/available?username=" + name, null, 400))
                .containsEntry("errcode", "M_USER_IN_USE");
        assertThat(post(
                        client,
                        "/_matrix/client/v3/register",
                        null,
                        Map.of("username", "bad name", "password", PASSWORD),
                        400))
                .containsEntry("errcode", "M_INVALID_USERNAME");
        assertThat(get(client, "/_matrix/client/v3/register/available?username=caf%C3%A9", null, 400))
                .containsEntry("errcode", "M_INVALID_USERNAME");
        assertThat(post(client, "/_matrix/client/v3/register?kind=guest", null, Map.of(), 403))
                .containsEntry("errcode", "M_GUEST_ACCESS_FORBIDDEN");
        assertThat(post(
                        client,
                        "/_matrix/client/v3/register",
                        null,
                        Map.of("username", newUsername(), "password", "short"),
                        400))
                .containsEntry("errcode", "M_WEAK_PASSWORD");
    }

    @Test
    void uppercaseUsernamesAreLowercasedAndInhibitLoginGivesNoToken() {
        String name = newUsername();
        Map<String, Object> body =
                new HashMap<>(Map.of("username", name.toUpperCase(), "password", PASSWORD, "inhibit_login", true));
        assertThat(register(client, body)).isEqualTo(Map.of("user_id", userId(name)));
        login(client, name, PASSWORD);
    }

    @Test
    void registerWithDeviceIdAndNameAndRefreshToken() {
        String name = newUsername();
        Map<String, Object> body = new HashMap<>(Map.of(
                "username",
                name,
                "password",
                PASSWORD,
                "device_id",
                "MYPHONE",
                "initial_device_display_name",
                "Phone",
                "refresh_token",
                true));
        Map<String, Object> session = register(client, body);
        assertThat(session).containsEntry("device_id", "MYPHONE").containsKeys("refresh_token", "expires_in_ms");
        assertThat(get(client, "/_matrix/client/v3/devices/MYPHONE", token(session), 200))
                .containsEntry("display_name", "Phone");
    }

    @Test
    void loginSucceedsOnlyWithTheRightPassword() {
        String name = newUsername();
        register(client, name, PASSWORD);
        assertThat(get(client, "/_matrix/client/v3/login", null, 200))
                .isEqualTo(Map.of("flows", List.of(Map.of("type", "m.login.password"))));
        Map<String, Object> session = login(client, userId(name), PASSWORD);
        assertThat(session).containsEntry("user_id", userId(name));
        // The deprecated top-level user.
        assertThat(post(
                        client,
                        "/_matrix/client/v3/login",
                        null,
                        Map.of("type", "m.login.password", "user", name, "password", PASSWORD),
                        200))
                .containsEntry("user_id", userId(name));
        assertThat(post(
                        client,
                        "/_matrix/client/v3/login",
                        null,
                        Map.of("type", "m.login.password", "user", name, "password", "wrong password"),
                        403))
                .containsEntry("errcode", "M_FORBIDDEN");
        assertThat(post(
                        client,
                        "/_matrix/client/v3/login",
                        null,
                        Map.of("type", "m.login.password", "user", newUsername() + "-nobody", "password", PASSWORD),
                        403))
                .containsEntry("errcode", "M_FORBIDDEN");
        assertThat(post(
                        client,
                        "/_matrix/client/v3/login",
                        null,
                        Map.of(
                                "type",
                                "m.login.password",
                                "identifier",
                                Map.of("type", "m.id.thirdparty", "medium", "email", "address", "a@b.c"),
                                "password",
                                PASSWORD),
                        400))
                .containsEntry("errcode", "M_UNKNOWN");
        assertThat(post(client, "/_matrix/client/v3/login", null, Map.of("type", "m.login.token", "token", "x"), 400))
                .containsEntry("errcode", "M_UNKNOWN");
    }

    @Test
    void logoutRevokesOneDeviceAndLogoutAllEveryDevice() {
        String name = newUsername();
        String first = token(register(client, name, PASSWORD));
        String second = token(login(client, name, PASSWORD));
        String third = token(login(client, name, PASSWORD));
        post(client, "/_matrix/client/v3/logout", first, null, 200);
        assertThat(get(client, "/_matrix/client/v3/account/whoami", first, 401))
                .containsEntry("errcode", "M_UNKNOWN_TOKEN")
                .containsEntry("soft_logout", false);
        get(client, "/_matrix/client/v3/account/whoami", second, 200);
        post(client, "/_matrix/client/v3/logout/all", second, null, 200);
        get(client, "/_matrix/client/v3/account/whoami", second, 401);
        get(client, "/_matrix/client/v3/account/whoami", third, 401);
        assertThat(get(client, "/_matrix/client/v3/account/whoami", null, 401))
                .containsEntry("errcode", "M_MISSING_TOKEN");
    }

    private static Map<String, Object> loginWithRefreshToken() {
        String name = newUsername();
        register(client, name, PASSWORD);
        return post(
                client,
                "/_matrix/client/v3/login",
                null,
                Map.of("type", "m.login.password", "user", name, "password", PASSWORD, "refresh_token", true),
                200);
    }

    @Test
    void refreshRotatesTokens() {
        Map<String, Object> first = loginWithRefreshToken();
        assertThat(first).containsKeys("refresh_token", "expires_in_ms");

        Map<String, Object> second = post(
                client, "/_matrix/client/v3/refresh", null, Map.of("refresh_token", first.get("refresh_token")), 200);
        assertThat(second.get("access_token")).isNotEqualTo(first.get("access_token"));
        assertThat(second.get("refresh_token")).isNotEqualTo(first.get("refresh_token"));
        // The old access token is revoked at once; the old refresh token until the new pair is used.
        get(client, "/_matrix/client/v3/account/whoami", token(first), 401);
        get(client, "/_matrix/client/v3/account/whoami", token(second), 200);
        assertThat(post(
                        client,
                        "/_matrix/client/v3/refresh",
                        null,
                        Map.of("refresh_token", first.get("refresh_token")),
                        401))
                .containsEntry("errcode", "M_UNKNOWN_TOKEN")
                .containsEntry("soft_logout", false);

        Map<String, Object> third = post(
                client, "/_matrix/client/v3/refresh", null, Map.of("refresh_token", second.get("refresh_token")), 200);
        get(client, "/_matrix/client/v3/account/whoami", token(third), 200);
        get(client, "/_matrix/client/v3/account/whoami", token(second), 401);
    }

    @Test
    void aLostRefreshAnswerCanBeRetriedWithTheOldToken() {
        Map<String, Object> first = loginWithRefreshToken();
        Map<String, Object> lost = post(
                client, "/_matrix/client/v3/refresh", null, Map.of("refresh_token", first.get("refresh_token")), 200);
        Map<String, Object> retried = post(
                client, "/_matrix/client/v3/refresh", null, Map.of("refresh_token", first.get("refresh_token")), 200);
        get(client, "/_matrix/client/v3/account/whoami", token(retried), 200);
        get(client, "/_matrix/client/v3/account/whoami", token(lost), 401);
    }

    @Test
    void devicesAreListedRenamedAndDeletedWithAPassword() {
        String name = newUsername();
        String token = token(register(client, name, PASSWORD));
        Map<String, Object> other = login(client, name, PASSWORD);
        String otherDevice = (String) other.get("device_id");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> devices = (List<Map<String, Object>>)
                get(client, "/_matrix/client/v3/devices", token, 200).get("devices");
        assertThat(devices).hasSize(2);

        call(
                client,
                HttpMethod.PUT,
                "/_matrix/client/v3/devices/" + otherDevice,
                token,
                Map.of("display_name", "Laptop"),
                200);
        assertThat(get(client, "/_matrix/client/v3/devices/" + otherDevice, token, 200))
                .containsEntry("display_name", "Laptop")
                .containsEntry("device_id", otherDevice);
        assertThat(get(client, "/_matrix/client/v3/devices/NOSUCHDEVICE", token, 404))
                .containsEntry("errcode", "M_NOT_FOUND");
        call(
                client,
                HttpMethod.PUT,
                "/_matrix/client/v3/devices/NOSUCHDEVICE",
                token,
                Map.of("display_name", "x"),
                404);

        Map<String, Object> challenge =
                call(client, HttpMethod.DELETE, "/_matrix/client/v3/devices/" + otherDevice, token, null, 401);
        assertThat(challenge.get("flows")).isEqualTo(List.of(Map.of("stages", List.of("m.login.password"))));
        Map<String, Object> wrong = call(
                client,
                HttpMethod.DELETE,
                "/_matrix/client/v3/devices/" + otherDevice,
                token,
                Map.of("auth", passwordAuth(name, "wrong password", challenge.get("session"))),
                401);
        assertThat(wrong).containsEntry("errcode", "M_FORBIDDEN").containsEntry("session", challenge.get("session"));
        get(client, "/_matrix/client/v3/account/whoami", token(other), 200);
        call(
                client,
                HttpMethod.DELETE,
                "/_matrix/client/v3/devices/" + otherDevice,
                token,
                Map.of("auth", passwordAuth(name, PASSWORD, challenge.get("session"))),
                200);
        get(client, "/_matrix/client/v3/account/whoami", token(other), 401);

        // A session cannot be reused for another operation.
        String third = (String) login(client, name, PASSWORD).get("device_id");
        Map<String, Object> started =
                post(client, "/_matrix/client/v3/delete_devices", token, Map.of("devices", List.of(third)), 401);
        assertThat(call(
                        client,
                        HttpMethod.DELETE,
                        "/_matrix/client/v3/devices/" + third,
                        token,
                        Map.of("auth", passwordAuth(name, PASSWORD, started.get("session"))),
                        403))
                .containsEntry("errcode", "M_FORBIDDEN");
        post(
                client,
                "/_matrix/client/v3/delete_devices",
                token,
                Map.of("devices", List.of(third), "auth", passwordAuth(name, PASSWORD, started.get("session"))),
                200);
        assertThat((List<?>)
                        get(client, "/_matrix/client/v3/devices", token, 200).get("devices"))
                .hasSize(1);
    }

    @Test
    void passwordChangeNeedsTheOldPasswordAndLogsOutOtherDevices() {
        String name = newUsername();
        String token = token(register(client, name, PASSWORD));
        String other = token(login(client, name, PASSWORD));
        String newPassword = "battery staple";
        assertThat(post(client, "/_matrix/client/v3/account/password", token, Map.of("new_password", "short"), 400))
                .containsEntry("errcode", "M_WEAK_PASSWORD");
        Map<String, Object> challenge =
                post(client, "/_matrix/client/v3/account/password", token, Map.of("new_password", newPassword), 401);
        post(
                client,
                "/_matrix/client/v3/account/password",
                token,
                Map.of("new_password", newPassword, "auth", passwordAuth(name, PASSWORD, challenge.get("session"))),
                200);

        get(client, "/_matrix/client/v3/account/whoami", token, 200);
        get(client, "/_matrix/client/v3/account/whoami", other, 401);
        post(
                client,
                "/_matrix/client/v3/login",
                null,
                Map.of("type", "m.login.password", "user", name, "password", PASSWORD),
                403);
        login(client, name, newPassword);
    }

    @Test
    void deactivationRevokesEverythingAndKeepsTheNameReserved() {
        String name = newUsername();
        String token = token(register(client, name, PASSWORD));
        Map<String, Object> challenge = post(client, "/_matrix/client/v3/account/deactivate", token, Map.of(), 401);
        assertThat(post(
                        client,
                        "/_matrix/client/v3/account/deactivate",
                        token,
                        Map.of("auth", passwordAuth(name, PASSWORD, challenge.get("session"))),
                        200))
                .containsEntry("id_server_unbind_result", "no-support");
        get(client, "/_matrix/client/v3/account/whoami", token, 401);
        assertThat(post(
                        client,
                        "/_matrix/client/v3/login",
                        null,
                        Map.of("type", "m.login.password", "user", name, "password", PASSWORD),
                        403))
                .containsEntry("errcode", "M_USER_DEACTIVATED");
        assertThat(post(
                        client,
                        "/_matrix/client/v3/register",
                        null,
                        Map.of("username", name, "password", PASSWORD),
                        400))
                .containsEntry("errcode", "M_USER_IN_USE");
    }

    @Test
    void profilesChangeOnlyForTheirOwner() {
        String name = newUsername();
        String token = token(register(client, name, PASSWORD));
        String other = newUsername();
        register(client, other, PASSWORD);
        String path = "/_matrix/client/v3/profile/" + userId(name);
        call(client, HttpMethod.PUT, path + "/displayname", token, Map.of("displayname", "Alice"), 200);
        call(client, HttpMethod.PUT, path + "/avatar_url", token, Map.of("avatar_url", "mxc://x/y"), 200);
        assertThat(get(client, path, null, 200)).isEqualTo(Map.of("displayname", "Alice", "avatar_url", "mxc://x/y"));
        assertThat(get(client, path + "/displayname", null, 200)).isEqualTo(Map.of("displayname", "Alice"));
        assertThat(call(
                        client,
                        HttpMethod.PUT,
                        "/_matrix/client/v3/profile/" + userId(other) + "/displayname",
                        token,
                        Map.of("displayname", "Mallory"),
                        403))
                .containsEntry("errcode", "M_FORBIDDEN");
        call(client, HttpMethod.DELETE, path + "/avatar_url", token, null, 200);
        assertThat(get(client, path + "/avatar_url", null, 404)).containsEntry("errcode", "M_NOT_FOUND");
        assertThat(get(client, "/_matrix/client/v3/profile/" + userId(newUsername() + "-nobody"), null, 404))
                .containsEntry("errcode", "M_NOT_FOUND");
    }

    /**
     * Issue #15 item 20: an {@code avatar_url} that is not an {@code mxc://} URI is stored as given, as Synapse does
     * (the spec asks clients for an MXC URI but does not ask servers to refuse others); an empty one clears the
     * avatar, as in Synapse; only the length is limited.
     */
    @Test
    void avatarUrlsAreStoredAsGivenLikeSynapse() {
        String name = newUsername();
        String token = token(register(client, name, PASSWORD));
        String avatar = "/_matrix/client/v3/profile/" + userId(name) + "/avatar_url";
        for (String url : List.of("https://example.org/a.png", "not a uri at all", "mxc://x/y")) {
            call(client, HttpMethod.PUT, avatar, token, Map.of("avatar_url", url), 200);
            assertThat(get(client, avatar, null, 200)).isEqualTo(Map.of("avatar_url", url));
        }
        call(client, HttpMethod.PUT, avatar, token, Map.of("avatar_url", ""), 200);
        assertThat(get(client, avatar, null, 404)).containsEntry("errcode", "M_NOT_FOUND");
        assertThat(call(
                        client,
                        HttpMethod.PUT,
                        avatar,
                        token,
                        Map.of("avatar_url", "mxc://x/" + "y".repeat(1000)),
                        400))
                .containsEntry("errcode", "M_INVALID_PARAM");
        assertThat(get(client, avatar, null, 404)).containsEntry("errcode", "M_NOT_FOUND");
    }

    @Test
    void accountDataIsStoredPerUserAndRoomAndAnnouncedOnTheBus() throws Exception {
        String name = newUsername();
        String token = token(register(client, name, PASSWORD));
        String base = "/_matrix/client/v3/user/" + userId(name);
        List<String> published = new CopyOnWriteArrayList<>();
        server.context.getBean(Bus.class).subscribe("test-" + name, List.of(Topics.CLIENTAPI_OUTPUT), record -> {
            if (userId(name).equals(record.key())) {
                published.add(new String(record.payload(), UTF_8));
            }
            return Mono.empty();
        });

        assertThat(get(client, base + "/account_data/m.direct", token, 404)).containsEntry("errcode", "M_NOT_FOUND");
        call(client, HttpMethod.PUT, base + "/account_data/m.direct", token, Map.of("@a:b", List.of("!r:b")), 200);
        assertThat(get(client, base + "/account_data/m.direct", token, 200)).isEqualTo(Map.of("@a:b", List.of("!r:b")));
        call(
                client,
                HttpMethod.PUT,
                base + "/rooms/!room:test.lattice/account_data/m.tag",
                token,
                Map.of("tags", Map.of()),
                200);
        assertThat(get(client, base + "/rooms/!room:test.lattice/account_data/m.tag", token, 200))
                .isEqualTo(Map.of("tags", Map.of()));
        get(client, base + "/rooms/!other:test.lattice/account_data/m.tag", token, 404);

        assertThat(call(
                        client,
                        HttpMethod.PUT,
                        base + "/rooms/!room:test.lattice/account_data/m.fully_read",
                        token,
                        Map.of("event_id", "$x"),
                        405))
                .containsEntry("errcode", "M_BAD_JSON");
        assertThat(call(client, HttpMethod.PUT, base + "/account_data/m.push_rules", token, Map.of(), 405))
                .containsEntry("errcode", "M_BAD_JSON");
        assertThat(call(client, HttpMethod.PUT, base + "/rooms/not-a-room/account_data/m.tag", token, Map.of(), 400))
                .containsEntry("errcode", "M_INVALID_PARAM");
        String other = "/_matrix/client/v3/user/" + userId(newUsername());
        assertThat(call(client, HttpMethod.PUT, other + "/account_data/m.direct", token, Map.of(), 403))
                .containsEntry("errcode", "M_FORBIDDEN");
        get(client, other + "/account_data/m.direct", token, 403);

        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (published.size() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(published).hasSize(2);
        assertThat(published.get(0))
                .contains(
                        "\"type\":\"account_data\"",
                        "\"version\":1",
                        "\"user_id\":\"" + userId(name) + "\"",
                        "\"data_type\":\"m.direct\"",
                        "\"stream_id\":");
        assertThat(published.get(1)).contains("\"room_id\":\"!room:test.lattice\"", "\"data_type\":\"m.tag\"");
    }

    @Test
    void filtersAreStoredAndReadBack() {
        String name = newUsername();
        String token = token(register(client, name, PASSWORD));
        String base = "/_matrix/client/v3/user/" + userId(name) + "/filter";
        Map<String, Object> filter = Map.of("room", Map.of("timeline", Map.of("limit", 10)));
        String id = (String) post(client, base, token, filter, 200).get("filter_id");
        assertThat(get(client, base + "/" + id, token, 200)).isEqualTo(filter);
        assertThat(get(client, base + "/999999999", token, 404)).containsEntry("errcode", "M_NOT_FOUND");
        get(client, base + "/not-a-number", token, 404);
        post(client, "/_matrix/client/v3/user/" + userId(newUsername()) + "/filter", token, filter, 403);

        // Filters that break the spec's schema are refused, not stored.
        for (Map<String, Object> malformed : List.<Map<String, Object>>of(
                Map.of("room", Map.of("timeline", Map.of("limit", -1))),
                Map.of("room", Map.of("timeline", Map.of("limit", "ten"))),
                Map.of("room", Map.of("timeline", Map.of("types", "m.room.message"))),
                Map.of("room", Map.of("state", Map.of("not_types", List.of(1)))),
                Map.of("room", Map.of("include_leave", "yes")),
                Map.of("room", Map.of("rooms", List.of("#alias:test.lattice"))),
                Map.of("presence", Map.of("senders", List.of("alice"))),
                Map.of("event_format", "raw"),
                Map.of("event_fields", "type"),
                Map.of("room", List.of()))) {
            assertThat(post(client, base, token, malformed, 400))
                    .as("%s", malformed)
                    .containsEntry("errcode", "M_BAD_JSON");
        }
    }

    @Test
    void capabilitiesDescribeWhatClientsMayDo() {
        String token = token(register(client, newUsername(), PASSWORD));
        @SuppressWarnings("unchecked")
        Map<String, Object> capabilities = (Map<String, Object>)
                get(client, "/_matrix/client/v3/capabilities", token, 200).get("capabilities");
        assertThat(capabilities)
                .containsEntry("m.change_password", Map.of("enabled", true))
                .containsEntry("m.set_displayname", Map.of("enabled", true))
                .containsEntry("m.set_avatar_url", Map.of("enabled", true))
                .containsEntry("m.3pid_changes", Map.of("enabled", false));
        @SuppressWarnings("unchecked")
        Map<String, Object> versions = (Map<String, Object>) capabilities.get("m.room_versions");
        assertThat(versions).containsEntry("default", "11");
        assertThat((Map<Object, Object>) versions.get("available"))
                .hasSize(12)
                .containsEntry("1", "stable")
                .containsEntry("12", "stable");
        get(client, "/_matrix/client/v3/capabilities", null, 401);
    }

    @Test
    void sharedSecretRegistrationWorksExactlyAsSynapses() {
        String name = newUsername();
        String nonce =
                (String) get(client, "/_synapse/admin/v1/register", null, 200).get("nonce");
        String mac = SharedSecretMac.compute(SECRET, nonce, name, PASSWORD, true, null);
        Map<String, Object> body =
                Map.of("nonce", nonce, "username", name, "password", PASSWORD, "admin", true, "mac", mac);
        Map<String, Object> created = post(client, "/_synapse/admin/v1/register", null, body, 200);
        assertThat(created).containsEntry("user_id", userId(name)).containsKeys("access_token", "device_id");
        get(client, "/_matrix/client/v3/account/whoami", token(created), 200);
        login(client, name, PASSWORD);

        // The nonce was used up.
        assertThat(post(client, "/_synapse/admin/v1/register", null, body, 400)).containsEntry("errcode", "M_UNKNOWN");

        String other = newUsername();
        String fresh =
                (String) get(client, "/_synapse/admin/v1/register", null, 200).get("nonce");
        assertThat(post(
                        client,
                        "/_synapse/admin/v1/register",
                        null,
                        Map.of(
                                "nonce",
                                fresh,
                                "username",
                                other,
                                "password",
                                PASSWORD,
                                "admin",
                                false,
                                "mac",
                                SharedSecretMac.compute("wrong", fresh, other, PASSWORD, false, null)),
                        403))
                .containsEntry("errcode", "M_FORBIDDEN");
        // A failed attempt also uses up its nonce.
        post(
                client,
                "/_synapse/admin/v1/register",
                null,
                Map.of(
                        "nonce",
                        fresh,
                        "username",
                        other,
                        "password",
                        PASSWORD,
                        "admin",
                        false,
                        "mac",
                        SharedSecretMac.compute(SECRET, fresh, other, PASSWORD, false, null)),
                400);
        post(
                client,
                "/_matrix/client/v3/login",
                null,
                Map.of("type", "m.login.password", "user", other, "password", PASSWORD),
                403);
    }
}
