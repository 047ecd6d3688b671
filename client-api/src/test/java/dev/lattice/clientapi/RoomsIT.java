package dev.lattice.clientapi;

import static dev.lattice.clientapi.Accounts.newUsername;
import static dev.lattice.clientapi.Accounts.register;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.api.clientapi.UserApi;
import dev.lattice.api.roomserver.QueryEventsApi;
import dev.lattice.api.roomserver.StoredEvent;
import dev.lattice.protocol.id.EventId;
import dev.lattice.protocol.id.RoomId;
import dev.lattice.protocol.id.UserId;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** The room endpoints over real HTTP, with the roomserver in the same process, against PostgreSQL and Kafka. */
@SuppressWarnings("unchecked")
class RoomsIT {
    private static final String PASSWORD = "correct horse";
    private static final String V3 = "/_matrix/client/v3";
    private static TestServer server;
    private static WebTestClient client;
    private static String base;

    @BeforeAll
    static void start() {
        server = TestServer.start(WithRoomserverApplication.class, Map.of());
        client = server.client;
        base = "http://127.0.0.1:" + server.context.getEnvironment().getProperty("local.server.port");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private record User(String id, String token) {}

    private static User newUser() {
        Map<String, Object> session = register(client, newUsername(), PASSWORD);
        return new User((String) session.get("user_id"), (String) session.get("access_token"));
    }

    /**
     * The event as the roomserver stores it: {@code GET /rooms/{roomId}/event/{eventId}} is the syncapi's (SyncApiIT),
     * so this checks what the client-api's writes did at the roomserver.
     */
    private static StoredEvent stored(String eventId) {
        return server.context
                .getBean(QueryEventsApi.class)
                .queryEvent(EventId.parse(eventId))
                .block()
                .orElseThrow();
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String room(String roomId) {
        return V3 + "/rooms/" + enc(roomId);
    }

    private static Map<String, Object> put(String path, String token, Object body, int status) {
        return call(HttpMethod.PUT, path, token, body, status);
    }

    private static Map<String, Object> post(WebTestClient unused, String path, String token, Object body, int status) {
        return call(HttpMethod.POST, path, token, body, status);
    }

    private static Map<String, Object> get(WebTestClient unused, String path, String token, int status) {
        return call(HttpMethod.GET, path, token, null, status);
    }

    private static Map<String, Object> call(HttpMethod method, String path, String token, Object body, int status) {
        return Accounts.call(client, method, URI.create(base + path), token, body, status);
    }

    private static String createRoom(User user, Map<String, Object> body) {
        return (String)
                post(client, V3 + "/createRoom", user.token(), body, 200).get("room_id");
    }

    private static String send(User user, String roomId, String body) {
        return (String) put(
                        room(roomId) + "/send/m.room.message/" + UUID.randomUUID(),
                        user.token(),
                        Map.of("msgtype", "m.text", "body", body),
                        200)
                .get("event_id");
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> state(User user, String roomId) {
        return client.get()
                .uri(URI.create(base + room(roomId) + "/state"))
                .header("Authorization", "Bearer " + user.token())
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(List.class)
                .returnResult()
                .getResponseBody();
    }

    private static List<String> joined(User user) {
        @SuppressWarnings("unchecked")
        List<String> rooms = (List<String>)
                get(client, V3 + "/joined_rooms", user.token(), 200).get("joined_rooms");
        return rooms;
    }

    @Test
    void createRoomWithEachPresetAndVersion() {
        User alice = newUser();
        User bob = newUser();
        String v11 = createRoom(
                alice,
                Map.of(
                        "preset",
                        "public_chat",
                        "name",
                        "Lobby",
                        "topic",
                        "hello",
                        "initial_state",
                        List.of(Map.of(
                                "type",
                                "m.room.encryption",
                                "state_key",
                                "",
                                "content",
                                Map.of("algorithm", "m.megolm.v1.aes-sha2")))));
        assertThat(v11).endsWith(":" + TestServer.SERVER_NAME);
        assertThat(get(client, room(v11) + "/state/m.room.create/", alice.token(), 200))
                .containsEntry("room_version", "11");
        assertThat(get(client, room(v11) + "/state/m.room.join_rules", alice.token(), 200))
                .containsEntry("join_rule", "public");
        assertThat(get(client, room(v11) + "/state/m.room.name/", alice.token(), 200))
                .containsEntry("name", "Lobby");
        assertThat(get(client, room(v11) + "/state/m.room.topic/", alice.token(), 200))
                .containsEntry("topic", "hello");
        assertThat(get(client, room(v11) + "/state/m.room.encryption/", alice.token(), 200))
                .containsEntry("algorithm", "m.megolm.v1.aes-sha2");
        @SuppressWarnings("unchecked")
        Map<String, Object> users =
                (Map<String, Object>) get(client, room(v11) + "/state/m.room.power_levels/", alice.token(), 200)
                        .get("users");
        assertThat(users).containsEntry(alice.id(), 100);
        List<String> types =
                state(alice, v11).stream().map(e -> (String) e.get("type")).toList();
        assertThat(types)
                .contains(
                        "m.room.create",
                        "m.room.member",
                        "m.room.power_levels",
                        "m.room.join_rules",
                        "m.room.history_visibility",
                        "m.room.name",
                        "m.room.topic");
        assertThat(state(alice, v11).getFirst())
                .containsKeys("event_id", "room_id", "sender", "origin_server_ts")
                .doesNotContainKeys("auth_events", "prev_events", "hashes", "signatures", "depth");

        String privateV12 = createRoom(
                alice,
                Map.of("room_version", "12", "preset", "private_chat", "invite", List.of(bob.id()), "is_direct", true));
        assertThat(privateV12).doesNotContain(":");
        assertThat(get(client, room(privateV12) + "/state/m.room.join_rules", alice.token(), 200))
                .containsEntry("join_rule", "invite");
        assertThat(get(client, room(privateV12) + "/state/m.room.guest_access", alice.token(), 200))
                .containsEntry("guest_access", "can_join");
        assertThat(get(client, room(privateV12) + "/state/m.room.member/" + enc(bob.id()), alice.token(), 200))
                .containsEntry("membership", "invite")
                .containsEntry("is_direct", true);

        String trusted = createRoom(
                alice,
                Map.of(
                        "preset",
                        "trusted_private_chat",
                        "invite",
                        List.of(bob.id()),
                        "power_level_content_override",
                        Map.of("events_default", 10)));
        Map<String, Object> levels = get(client, room(trusted) + "/state/m.room.power_levels", alice.token(), 200);
        assertThat(levels).containsEntry("events_default", 10);
        assertThat((Map<Object, Object>) (Map<?, ?>) levels.get("users")).containsEntry(bob.id(), 100);

        String trustedV12 = createRoom(
                alice, Map.of("room_version", "12", "preset", "trusted_private_chat", "invite", List.of(bob.id())));
        assertThat((List<Object>) (List<?>) get(client, room(trustedV12) + "/state/m.room.create", alice.token(), 200)
                        .get("additional_creators"))
                .containsExactly(bob.id());

        assertThat(joined(alice)).contains(v11, privateV12, trusted, trustedV12);
        assertThat(joined(bob)).doesNotContain(privateV12);
    }

    @Test
    void createRoomErrorsChangeNothing() {
        User alice = newUser();
        assertThat(post(client, V3 + "/createRoom", alice.token(), Map.of("room_version", "99"), 400))
                .containsEntry("errcode", "M_UNSUPPORTED_ROOM_VERSION");
        assertThat(post(client, V3 + "/createRoom", alice.token(), Map.of("preset", "nope"), 400))
                .containsEntry("errcode", "M_INVALID_PARAM");
        client.post()
                .uri(URI.create(base + V3 + "/createRoom"))
                .header("Authorization", "Bearer " + alice.token())
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{not json")
                .exchange()
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.errcode")
                .isEqualTo("M_NOT_JSON");
        assertThat(post(client, V3 + "/createRoom", null, Map.of(), 401)).containsEntry("errcode", "M_MISSING_TOKEN");

        String alias = "a" + UUID.randomUUID().toString().substring(0, 8);
        String first = createRoom(alice, Map.of("room_alias_name", alias, "visibility", "public"));
        assertThat(get(client, room(first) + "/state/m.room.canonical_alias", alice.token(), 200))
                .containsEntry("alias", "#" + alias + ":" + TestServer.SERVER_NAME);
        assertThat(post(client, V3 + "/createRoom", alice.token(), Map.of("room_alias_name", alias), 400))
                .containsEntry("errcode", "M_ROOM_IN_USE");
        assertThat(joined(alice)).containsExactly(first);
    }

    @Test
    void inviteJoinTalkLeaveRejoin() {
        User alice = newUser();
        User bob = newUser();
        String roomId = createRoom(alice, Map.of("preset", "private_chat"));
        // Not invited yet: the roomserver refuses the join.
        assertThat(post(client, room(roomId) + "/join", bob.token(), Map.of(), 403))
                .containsEntry("errcode", "M_FORBIDDEN");
        assertThat(post(client, room(roomId) + "/invite", alice.token(), Map.of("user_id", bob.id()), 200))
                .isEmpty();
        assertThat(post(client, room(roomId) + "/join", bob.token(), Map.of(), 200))
                .containsEntry("room_id", roomId);
        assertThat(joined(bob)).contains(roomId);
        String hello = send(bob, roomId, "hello");
        StoredEvent event = stored(hello);
        assertThat(event.type()).isEqualTo("m.room.message");
        assertThat(event.roomId().value()).isEqualTo(roomId);
        assertThat(CanonicalJson.parseObject(event.pdu()).getString("sender")).contains(bob.id());
        assertThat(post(client, room(roomId) + "/leave", bob.token(), Map.of(), 200))
                .isEmpty();
        assertThat(joined(bob)).doesNotContain(roomId);
        assertThat(get(client, room(roomId) + "/state", bob.token(), 403)).containsEntry("errcode", "M_FORBIDDEN");
        assertThat(post(client, room(roomId) + "/forget", alice.token(), null, 400))
                .containsEntry("errcode", "M_UNKNOWN");
        assertThat(post(client, room(roomId) + "/forget", bob.token(), null, 200))
                .isEmpty();
        UserApi users = server.context.getBean(UserApi.class);
        assertThat(users.queryForgottenRooms(UserId.parse(bob.id())).block()).containsExactly(RoomId.parse(roomId));
        assertThat(put(room(roomId) + "/send/m.room.message/x1", bob.token(), Map.of("body", "hi"), 403))
                .containsEntry("errcode", "M_FORBIDDEN");
        // Private room: rejoining needs a new invite.
        post(client, room(roomId) + "/join", bob.token(), Map.of(), 403);
        post(client, room(roomId) + "/invite", alice.token(), Map.of("user_id", bob.id()), 200);
        post(client, V3 + "/join/" + enc(roomId), bob.token(), Map.of(), 200);
        assertThat(joined(bob)).contains(roomId);
        assertThat(users.queryForgottenRooms(UserId.parse(bob.id())).block()).isEmpty();
    }

    @Test
    void joinByAliasAndUnknownRooms() {
        User alice = newUser();
        User bob = newUser();
        String alias = "j" + UUID.randomUUID().toString().substring(0, 8);
        String roomId = createRoom(alice, Map.of("preset", "public_chat", "room_alias_name", alias));
        String full = "#" + alias + ":" + TestServer.SERVER_NAME;
        assertThat(post(client, V3 + "/join/" + enc(full), bob.token(), null, 200))
                .containsEntry("room_id", roomId);
        assertThat(post(client, V3 + "/join/" + enc("#nope:elsewhere.example"), bob.token(), null, 404))
                .containsEntry("errcode", "M_NOT_FOUND");
        assertThat(post(client, V3 + "/join/" + enc("!unknown:elsewhere.example"), bob.token(), null, 404))
                .containsEntry("errcode", "M_NOT_FOUND");
    }

    @Test
    void kickBanUnban() {
        User alice = newUser();
        User bob = newUser();
        String roomId = createRoom(alice, Map.of("preset", "public_chat"));
        post(client, room(roomId) + "/join", bob.token(), null, 200);
        // Bob has no power to kick Alice.
        assertThat(post(client, room(roomId) + "/kick", bob.token(), Map.of("user_id", alice.id()), 403))
                .containsEntry("errcode", "M_FORBIDDEN");
        post(client, room(roomId) + "/kick", alice.token(), Map.of("user_id", bob.id(), "reason", "out"), 200);
        assertThat(get(client, room(roomId) + "/state/m.room.member/" + enc(bob.id()), alice.token(), 200))
                .containsEntry("membership", "leave")
                .containsEntry("reason", "out");
        post(client, room(roomId) + "/join", bob.token(), null, 200);
        post(client, room(roomId) + "/ban", alice.token(), Map.of("user_id", bob.id()), 200);
        assertThat(post(client, room(roomId) + "/join", bob.token(), null, 403))
                .containsEntry("errcode", "M_FORBIDDEN");
        assertThat(post(client, room(roomId) + "/kick", alice.token(), Map.of(), 400))
                .containsEntry("errcode", "M_MISSING_PARAM");
        post(client, room(roomId) + "/unban", alice.token(), Map.of("user_id", bob.id()), 200);
        // Unbanning someone who is not banned is refused.
        assertThat(post(client, room(roomId) + "/unban", alice.token(), Map.of("user_id", bob.id()), 403))
                .containsEntry("errcode", "M_FORBIDDEN");
        post(client, room(roomId) + "/join", bob.token(), null, 200);
    }

    @Test
    void sendIsIdempotentPerTransactionId() {
        User alice = newUser();
        String roomId = createRoom(alice, Map.of());
        String path = room(roomId) + "/send/m.room.message/txn-" + UUID.randomUUID();
        String first = (String) put(path, alice.token(), Map.of("msgtype", "m.text", "body", "once"), 200)
                .get("event_id");
        String second = (String) put(path, alice.token(), Map.of("msgtype", "m.text", "body", "once"), 200)
                .get("event_id");
        assertThat(second).isEqualTo(first);
        assertThat(put(room(roomId) + "/send/m.room.message/bad%20txn", alice.token(), Map.of(), 400))
                .containsEntry("errcode", "M_INVALID_PARAM");
        assertThat(put(
                        room(roomId) + "/send/m.room.message/big",
                        alice.token(),
                        Map.of("body", "x".repeat(70_000)),
                        413))
                .containsEntry("errcode", "M_TOO_LARGE");
        assertThat(put(room(roomId) + "/send/" + "t".repeat(256) + "/long", alice.token(), Map.of(), 400))
                .containsEntry("errcode", "M_BAD_JSON");
    }

    @Test
    void stateAndRedaction() {
        User alice = newUser();
        User bob = newUser();
        String roomId = createRoom(alice, Map.of("preset", "public_chat"));
        String eventId =
                (String) put(room(roomId) + "/state/org.example.thing/key", alice.token(), Map.of("value", 1), 200)
                        .get("event_id");
        assertThat(eventId).startsWith("$");
        assertThat(get(client, room(roomId) + "/state/org.example.thing/key", alice.token(), 200))
                .isEqualTo(Map.of("value", 1));
        assertThat(get(client, room(roomId) + "/state/org.example.thing/other", alice.token(), 404))
                .containsEntry("errcode", "M_NOT_FOUND");
        assertThat(get(client, room(roomId) + "/state/org.example.thing/key", bob.token(), 403))
                .containsEntry("errcode", "M_FORBIDDEN");
        post(client, room(roomId) + "/join", bob.token(), null, 200);
        // Bob lacks the power level for state (50).
        assertThat(put(room(roomId) + "/state/m.room.name", bob.token(), Map.of("name", "x"), 403))
                .containsEntry("errcode", "M_FORBIDDEN");

        String message = send(bob, roomId, "secret");
        String txn = room(roomId) + "/redact/" + enc(message) + "/r-" + UUID.randomUUID();
        String redaction =
                (String) put(txn, alice.token(), Map.of("reason", "spam"), 200).get("event_id");
        assertThat(put(txn, alice.token(), Map.of("reason", "spam"), 200)).containsEntry("event_id", redaction);
        assertThat(stored(redaction).content().getString("redacts")).contains(message);
        StoredEvent redacted = stored(message);
        assertThat(redacted.content()).isEqualTo(JsonObject.EMPTY);
        assertThat(redacted.redactedBy()).isEqualTo(EventId.parse(redaction));

        // Without the redact level (50) Bob may redact only his own events: Alice's is refused and left intact,
        // an unknown event is not found, his own goes through. Alice (100) may redact an event the room never saw.
        String alices = send(alice, roomId, "keep me");
        assertThat(put(room(roomId) + "/redact/" + enc(alices) + "/r-" + UUID.randomUUID(), bob.token(), Map.of(), 403))
                .containsEntry("errcode", "M_FORBIDDEN");
        assertThat(stored(alices).content().getString("body")).contains("keep me");
        String unknown = "$" + "u".repeat(43);
        assertThat(put(
                        room(roomId) + "/redact/" + enc(unknown) + "/r-" + UUID.randomUUID(),
                        bob.token(),
                        Map.of(),
                        404))
                .containsEntry("errcode", "M_NOT_FOUND");
        String bobs = send(bob, roomId, "oops");
        assertThat(put(room(roomId) + "/redact/" + enc(bobs) + "/r-" + UUID.randomUUID(), bob.token(), Map.of(), 200))
                .containsKey("event_id");
        assertThat(put(
                        room(roomId) + "/redact/" + enc(unknown) + "/r-" + UUID.randomUUID(),
                        alice.token(),
                        Map.of(),
                        200))
                .containsKey("event_id");

        // A user who never joined sees nothing of a shared-history room's messages.
        User carol = newUser();
        assertThat(server.context
                        .getBean(QueryEventsApi.class)
                        .queryEventForUser(EventId.parse(message), UserId.parse(carol.id()))
                        .block()
                        .orElseThrow()
                        .visible())
                .isFalse();
    }

    @Test
    void aliasesAndDirectory() {
        User alice = newUser();
        User bob = newUser();
        String roomId = createRoom(alice, Map.of("preset", "public_chat", "name", "Directory " + alice.id()));
        String alias = "#d" + UUID.randomUUID().toString().substring(0, 8) + ":" + TestServer.SERVER_NAME;
        String path = V3 + "/directory/room/" + enc(alias);
        assertThat(get(client, path, null, 404)).containsEntry("errcode", "M_NOT_FOUND");
        assertThat(put(path, alice.token(), Map.of("room_id", roomId), 200)).isEmpty();
        assertThat(put(path, alice.token(), Map.of("room_id", roomId), 409)).containsEntry("errcode", "M_UNKNOWN");
        assertThat(put(
                        V3 + "/directory/room/" + enc("#x:elsewhere.example"),
                        alice.token(),
                        Map.of("room_id", roomId),
                        400))
                .containsEntry("errcode", "M_INVALID_PARAM");
        assertThat(get(client, path, null, 200))
                .containsEntry("room_id", roomId)
                .containsEntry("servers", List.of(TestServer.SERVER_NAME));
        assertThat(get(client, room(roomId) + "/aliases", alice.token(), 200)).containsEntry("aliases", List.of(alias));
        assertThat(get(client, room(roomId) + "/aliases", bob.token(), 403)).containsEntry("errcode", "M_FORBIDDEN");
        assertThat(call(HttpMethod.DELETE, path, bob.token(), null, 403)).containsEntry("errcode", "M_FORBIDDEN");
        assertThat(call(HttpMethod.DELETE, path, alice.token(), null, 200)).isEmpty();
        assertThat(get(client, path, null, 404)).containsEntry("errcode", "M_NOT_FOUND");

        String list = V3 + "/directory/list/room/" + enc(roomId);
        assertThat(get(client, list, null, 200)).containsEntry("visibility", "private");
        assertThat(put(list, bob.token(), Map.of("visibility", "public"), 403)).containsEntry("errcode", "M_FORBIDDEN");
        put(list, alice.token(), Map.of("visibility", "public"), 200);
        assertThat(get(client, list, null, 200)).containsEntry("visibility", "public");
        post(client, room(roomId) + "/join", bob.token(), null, 200);
        Map<String, Object> found = post(
                client,
                V3 + "/publicRooms",
                bob.token(),
                Map.of("filter", Map.of("generic_search_term", "Directory " + alice.id())),
                200);
        assertThat((List<Object>) found.get("chunk"))
                .singleElement()
                .satisfies(entry -> assertThat((Map<String, Object>) entry)
                        .containsEntry("room_id", roomId)
                        .containsEntry("name", "Directory " + alice.id())
                        .containsEntry("num_joined_members", 2)
                        .containsEntry("join_rule", "public"));
        assertThat((List<Object>) get(client, V3 + "/publicRooms", null, 200).get("chunk"))
                .isNotEmpty();
        put(list, alice.token(), Map.of("visibility", "private"), 200);
        assertThat((List<Object>) post(
                                client,
                                V3 + "/publicRooms",
                                bob.token(),
                                Map.of("filter", Map.of("generic_search_term", "Directory " + alice.id())),
                                200)
                        .get("chunk"))
                .isEmpty();
    }
}
