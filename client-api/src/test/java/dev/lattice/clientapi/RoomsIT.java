package dev.lattice.clientapi;

import static dev.lattice.clientapi.Accounts.newUsername;
import static dev.lattice.clientapi.Accounts.register;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.api.clientapi.UserApi;
import dev.lattice.api.roomserver.ClientRoomserverApi;
import dev.lattice.api.roomserver.QueryEventsApi;
import dev.lattice.api.roomserver.QueryStateApi;
import dev.lattice.api.roomserver.StoredEvent;
import dev.lattice.protocol.id.EventId;
import dev.lattice.protocol.id.RoomId;
import dev.lattice.protocol.id.UserId;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.json.JsonArray;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.json.JsonString;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Predicate;
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
        // Not even a room version's grammar (1-32 of [a-z0-9.-]): still an unsupported version, not a 500.
        for (String version : List.of("", "a".repeat(40), "V1!")) {
            assertThat(post(client, V3 + "/createRoom", alice.token(), Map.of("room_version", version), 400))
                    .containsEntry("errcode", "M_UNSUPPORTED_ROOM_VERSION");
        }
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
        assertThat(post(client, room(roomId) + "/forget", alice.token(), null, 400))
                .containsEntry("errcode", "M_UNKNOWN");
        assertThat(post(client, room(roomId) + "/forget", bob.token(), null, 200))
                .isEmpty();
        // A forgotten room's state is no longer readable (Synapse: did_forget).
        assertThat(get(client, room(roomId) + "/state", bob.token(), 403)).containsEntry("errcode", "M_FORBIDDEN");
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

    /**
     * Sends into one room at the same moment take turns (RoomTurns): each is built on the one before, so the room's
     * history stays a line instead of forking into branches the roomserver must resolve.
     */
    @Test
    void concurrentSendsIntoOneRoomKeepItsHistoryALine() throws Exception {
        User alice = newUser();
        String roomId = createRoom(alice, Map.of());
        int sends = 8;
        CountDownLatch go = new CountDownLatch(1);
        List<Future<String>> sent = new ArrayList<>();
        try (ExecutorService senders = Executors.newFixedThreadPool(sends)) {
            for (int i = 0; i < sends; i++) {
                String body = "at once " + i;
                sent.add(senders.submit(() -> {
                    go.await();
                    return send(alice, roomId, body);
                }));
            }
            go.countDown();
        }
        Set<String> parents = new HashSet<>();
        Set<String> eventIds = new HashSet<>();
        for (Future<String> future : sent) {
            String eventId = future.get();
            eventIds.add(eventId);
            JsonArray prevEvents = CanonicalJson.parseObject(stored(eventId).pdu())
                    .getArray("prev_events")
                    .orElseThrow();
            assertThat(prevEvents.size()).as("prev events of %s", eventId).isEqualTo(1);
            assertThat(parents.add(((JsonString) prevEvents.get(0)).value()))
                    .as("two sends built on the same event: the history forked")
                    .isTrue();
        }
        List<EventId> extremities = server.context
                .getBean(ClientRoomserverApi.class)
                .queryLatestEvents(RoomId.parse(roomId), Set.of())
                .block()
                .orElseThrow()
                .prevEvents();
        assertThat(extremities).hasSize(1);
        assertThat(eventIds).contains(extremities.getFirst().value());
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
        // A retry the sender could no longer send (she left) still gets the first event's ID; a new one is refused.
        post(client, room(roomId) + "/leave", alice.token(), null, 200);
        assertThat(put(path, alice.token(), Map.of("msgtype", "m.text", "body", "once"), 200))
                .containsEntry("event_id", first);
        assertThat(put(
                        room(roomId) + "/send/m.room.message/txn-" + UUID.randomUUID(),
                        alice.token(),
                        Map.of("msgtype", "m.text", "body", "after"),
                        403))
                .containsEntry("errcode", "M_FORBIDDEN");
    }

    @Test
    void kickingSomeoneNotInTheRoomIsRefused() {
        User alice = newUser();
        User bob = newUser();
        User carol = newUser();
        String roomId = createRoom(alice, Map.of("preset", "public_chat"));
        // Never in the room: refused as Synapse does, though the auth rules would allow the leave.
        assertThat(post(client, room(roomId) + "/kick", alice.token(), Map.of("user_id", carol.id()), 403))
                .containsEntry("errcode", "M_FORBIDDEN");
        assertThat(get(client, room(roomId) + "/state/m.room.member/" + enc(carol.id()), alice.token(), 404))
                .containsEntry("errcode", "M_NOT_FOUND");
        post(client, room(roomId) + "/join", bob.token(), null, 200);
        post(client, room(roomId) + "/leave", bob.token(), null, 200);
        // Already left: refused, and his own leave stays.
        assertThat(post(
                        client,
                        room(roomId) + "/kick",
                        alice.token(),
                        Map.of("user_id", bob.id(), "reason", "late"),
                        403))
                .containsEntry("errcode", "M_FORBIDDEN");
        assertThat(get(client, room(roomId) + "/state/m.room.member/" + enc(bob.id()), alice.token(), 200))
                .containsEntry("membership", "leave")
                .doesNotContainKey("reason");
        post(client, room(roomId) + "/ban", alice.token(), Map.of("user_id", bob.id()), 200);
        assertThat(post(client, room(roomId) + "/kick", alice.token(), Map.of("user_id", bob.id()), 403))
                .containsEntry("errcode", "M_FORBIDDEN");
        assertThat(get(client, room(roomId) + "/state/m.room.member/" + enc(bob.id()), alice.token(), 200))
                .containsEntry("membership", "ban");
        // An invited user can be kicked (the invite is withdrawn).
        post(client, room(roomId) + "/invite", alice.token(), Map.of("user_id", carol.id()), 200);
        post(client, room(roomId) + "/kick", alice.token(), Map.of("user_id", carol.id()), 200);
        assertThat(get(client, room(roomId) + "/state/m.room.member/" + enc(carol.id()), alice.token(), 200))
                .containsEntry("membership", "leave");
    }

    @Test
    void stateEventAsAWholeEvent() {
        User alice = newUser();
        String roomId = createRoom(alice, Map.of("name", "Whole"));
        Map<String, Object> event = get(client, room(roomId) + "/state/m.room.name/?format=event", alice.token(), 200);
        assertThat(event)
                .containsEntry("type", "m.room.name")
                .containsEntry("state_key", "")
                .containsEntry("sender", alice.id())
                .containsEntry("room_id", roomId)
                .containsEntry("content", Map.of("name", "Whole"))
                .containsKeys("event_id", "origin_server_ts")
                .doesNotContainKeys("signatures", "hashes", "auth_events", "prev_events", "depth");
        assertThat(get(client, room(roomId) + "/state/m.room.name?format=event", alice.token(), 200))
                .isEqualTo(event);
        assertThat(get(
                        client,
                        room(roomId) + "/state/m.room.member/" + enc(alice.id()) + "?format=event",
                        alice.token(),
                        200))
                .containsEntry("state_key", alice.id());
        assertThat(get(client, room(roomId) + "/state/m.room.name?format=content", alice.token(), 200))
                .isEqualTo(Map.of("name", "Whole"));
        // As Synapse: any other format is 400 M_INVALID_PARAM.
        assertThat(get(client, room(roomId) + "/state/m.room.name?format=pdu", alice.token(), 400))
                .containsEntry("errcode", "M_INVALID_PARAM");
    }

    @Test
    void createRoomWritesTheTopicInBothForms() {
        User alice = newUser();
        String roomId = createRoom(
                alice,
                Map.of(
                        "topic",
                        "Both forms",
                        "initial_state",
                        List.of(Map.of("type", "m.room.topic", "state_key", "", "content", Map.of("topic", "old")))));
        assertThat(get(client, room(roomId) + "/state/m.room.topic", alice.token(), 200))
                .isEqualTo(Map.of(
                        "topic", "Both forms", "m.topic", Map.of("m.text", List.of(Map.of("body", "Both forms")))));
    }

    @Test
    void createRoomVersion12ValidationErrorsAre400() {
        User alice = newUser();
        User bob = newUser();
        for (Object creators :
                List.of("not a list", List.of(5), List.of("not-a-user-id"), List.of("@" + "a".repeat(300) + ":x"))) {
            assertThat(post(
                            client,
                            V3 + "/createRoom",
                            alice.token(),
                            Map.of("room_version", "12", "creation_content", Map.of("additional_creators", creators)),
                            400))
                    .containsEntry("errcode", "M_BAD_JSON");
            assertThat(post(
                            client,
                            V3 + "/createRoom",
                            alice.token(),
                            Map.of(
                                    "room_version",
                                    "12",
                                    "preset",
                                    "trusted_private_chat",
                                    "invite",
                                    List.of(bob.id()),
                                    "creation_content",
                                    Map.of("additional_creators", creators)),
                            400))
                    .containsEntry("errcode", "M_BAD_JSON");
        }
        assertThat(post(
                        client,
                        V3 + "/createRoom",
                        alice.token(),
                        Map.of(
                                "room_version",
                                "12",
                                "initial_state",
                                List.of(Map.of("type", "m.room.create", "state_key", "", "content", Map.of()))),
                        400))
                .containsEntry("errcode", "M_BAD_JSON");
        assertThat(joined(alice)).isEmpty();
        assertThat(joined(bob)).isEmpty();
    }

    @Test
    void joinKeepsTheBodysContent() {
        User alice = newUser();
        User bob = newUser();
        String alias = "c" + UUID.randomUUID().toString().substring(0, 8);
        String roomId = createRoom(alice, Map.of("preset", "public_chat", "room_alias_name", alias));
        Map<String, Object> body = Map.of(
                "reason",
                "hello",
                "displayname",
                "Bob B",
                "org.example.extra",
                Map.of("k", 1),
                "membership",
                "leave",
                "join_authorised_via_users_server",
                alice.id());
        post(client, V3 + "/join/" + enc("#" + alias + ":" + TestServer.SERVER_NAME), bob.token(), body, 200);
        String member = room(roomId) + "/state/m.room.member/" + enc(bob.id());
        // The server sets membership, and join_authorised_via_users_server only for restricted joins it authorises.
        assertThat(get(client, member, bob.token(), 200))
                .isEqualTo(Map.of(
                        "membership",
                        "join",
                        "reason",
                        "hello",
                        "displayname",
                        "Bob B",
                        "org.example.extra",
                        Map.of("k", 1)));
        post(client, room(roomId) + "/leave", bob.token(), null, 200);
        post(client, room(roomId) + "/join", bob.token(), Map.of("reason", "again", "org.example.flag", true), 200);
        // The join also carries Bob's profile (his display name is his localpart since registration).
        assertThat(get(client, member, bob.token(), 200))
                .isEqualTo(Map.of(
                        "membership",
                        "join",
                        "reason",
                        "again",
                        "org.example.flag",
                        true,
                        "displayname",
                        bob.id().substring(1, bob.id().indexOf(':'))));
        assertThat(post(client, room(roomId) + "/join", bob.token(), Map.of("reason", 5), 400))
                .containsEntry("errcode", "M_BAD_JSON");
    }

    @Test
    void noOpStateEventsReturnTheExistingEvent() {
        User alice = newUser();
        User bob = newUser();
        String roomId = createRoom(
                alice,
                Map.of(
                        "preset",
                        "public_chat",
                        "power_level_content_override",
                        Map.of("users", Map.of(alice.id(), 100, bob.id(), 100))));
        post(client, room(roomId) + "/join", bob.token(), null, 200);
        String path = room(roomId) + "/state/org.example.same/key";
        String first = (String) put(path, alice.token(), Map.of("v", 1), 200).get("event_id");
        // Synapse's deduplicate_state_event: the same sender and the same content is the event already there.
        assertThat(put(path, alice.token(), Map.of("v", 1), 200)).containsEntry("event_id", first);
        String changed = (String) put(path, alice.token(), Map.of("v", 2), 200).get("event_id");
        assertThat(changed).isNotEqualTo(first);
        // Another sender's identical content is a new event.
        String bobs = (String) put(path, bob.token(), Map.of("v", 2), 200).get("event_id");
        assertThat(bobs).isNotIn(first, changed);
        assertThat(get(client, path + "?format=event", alice.token(), 200)).containsEntry("event_id", bobs);

        // Joining when already joined with the same content changes nothing (Synapse's update_membership).
        String member = room(roomId) + "/state/m.room.member/" + enc(bob.id()) + "?format=event";
        Object joinId = get(client, member, bob.token(), 200).get("event_id");
        post(client, room(roomId) + "/join", bob.token(), null, 200);
        post(client, V3 + "/join/" + enc(roomId), bob.token(), null, 200);
        assertThat(get(client, member, bob.token(), 200)).containsEntry("event_id", joinId);
        assertThat(put(
                        room(roomId) + "/state/m.room.member/" + enc(bob.id()),
                        bob.token(),
                        Map.of("membership", "join"),
                        200))
                .containsEntry("event_id", joinId);
        // Other content is a new member event (a profile change).
        post(client, room(roomId) + "/join", bob.token(), Map.of("reason", "again"), 200);
        assertThat(get(client, member, bob.token(), 200).get("event_id")).isNotEqualTo(joinId);
    }

    @Test
    void aFormerMemberReadsTheStateAsItWasWhenTheyLeft() {
        User alice = newUser();
        User bob = newUser();
        User carol = newUser();
        String roomId = createRoom(alice, Map.of("preset", "public_chat", "name", "Before"));
        post(client, room(roomId) + "/join", bob.token(), null, 200);
        post(client, room(roomId) + "/leave", bob.token(), null, 200);
        put(room(roomId) + "/state/m.room.name", alice.token(), Map.of("name", "After"), 200);
        put(room(roomId) + "/state/org.example.later/", alice.token(), Map.of("v", 1), 200);

        List<Map<String, Object>> atLeave = state(bob, roomId);
        assertThat(atLeave)
                .filteredOn(e -> e.get("type").equals("m.room.name"))
                .singleElement()
                .satisfies(e -> assertThat(e).containsEntry("content", Map.of("name", "Before")));
        assertThat(atLeave)
                .filteredOn(e -> e.get("type").equals("m.room.member")
                        && e.get("state_key").equals(bob.id()))
                .singleElement()
                .satisfies(e -> assertThat(e).containsEntry("content", Map.of("membership", "leave")));
        assertThat(atLeave).noneMatch(e -> e.get("type").equals("org.example.later"));
        assertThat(get(client, room(roomId) + "/state/m.room.name", bob.token(), 200))
                .isEqualTo(Map.of("name", "Before"));
        assertThat(get(client, room(roomId) + "/state/m.room.name?format=event", bob.token(), 200))
                .containsEntry("content", Map.of("name", "Before"))
                .containsEntry("room_id", roomId);
        assertThat(get(client, room(roomId) + "/state/org.example.later/", bob.token(), 404))
                .containsEntry("errcode", "M_NOT_FOUND");
        assertThat(get(client, room(roomId) + "/state/m.room.name", alice.token(), 200))
                .isEqualTo(Map.of("name", "After"));
        // Never a member: 403, as before.
        assertThat(get(client, room(roomId) + "/state", carol.token(), 403)).containsEntry("errcode", "M_FORBIDDEN");
        assertThat(get(client, room(roomId) + "/state/m.room.name", carol.token(), 403))
                .containsEntry("errcode", "M_FORBIDDEN");
    }

    @Test
    void joiningARestrictedRoomThroughAnotherRoomsMembership() {
        for (String version : List.of("11", "12")) {
            User alice = newUser();
            User bob = newUser();
            String space = createRoom(alice, Map.of("preset", "public_chat", "room_version", version));
            String restricted = createRoom(
                    alice,
                    Map.of(
                            "room_version",
                            version,
                            "initial_state",
                            List.of(Map.of(
                                    "type",
                                    "m.room.join_rules",
                                    "state_key",
                                    "",
                                    "content",
                                    Map.of(
                                            "join_rule",
                                            "restricted",
                                            "allow",
                                            List.of(Map.of("type", "m.room_membership", "room_id", space)))))));
            // Not in the allowed room: refused.
            assertThat(post(client, room(restricted) + "/join", bob.token(), null, 403))
                    .containsEntry("errcode", "M_FORBIDDEN");
            post(client, room(space) + "/join", bob.token(), null, 200);
            assertThat(post(client, V3 + "/join/" + enc(restricted), bob.token(), Map.of("reason", "member"), 200))
                    .containsEntry("room_id", restricted);
            assertThat(joined(bob)).contains(space, restricted);
            // The server named a local member who may invite (Alice) as the join's authoriser, as the spec's
            // restricted rooms and Synapse's get_user_which_could_invite do.
            assertThat(get(client, room(restricted) + "/state/m.room.member/" + enc(bob.id()), bob.token(), 200))
                    .containsEntry("membership", "join")
                    .containsEntry("reason", "member")
                    .containsEntry("join_authorised_via_users_server", alice.id());
        }
    }

    @Test
    void transactionIdIsScopedToTheRequest() {
        User alice = newUser();
        String first = createRoom(alice, Map.of());
        String second = createRoom(alice, Map.of());
        String txn = "scoped-" + UUID.randomUUID();
        Map<String, String> hello = Map.of("msgtype", "m.text", "body", "hello");
        String inFirst = (String) put(room(first) + "/send/m.room.message/" + txn, alice.token(), hello, 200)
                .get("event_id");
        // Another room is another request, as in Synapse (its key is the request path and the device).
        String inSecond = (String) put(room(second) + "/send/m.room.message/" + txn, alice.token(), hello, 200)
                .get("event_id");
        assertThat(inSecond).isNotEqualTo(inFirst);
        assertThat(stored(inSecond).roomId().value()).isEqualTo(second);
        // So is another event type, and each is still idempotent.
        String reaction = (String) put(room(first) + "/send/org.example.other/" + txn, alice.token(), hello, 200)
                .get("event_id");
        assertThat(reaction).isNotIn(inFirst, inSecond);
        assertThat(put(room(first) + "/send/m.room.message/" + txn, alice.token(), hello, 200))
                .containsEntry("event_id", inFirst);
        assertThat(put(room(second) + "/send/m.room.message/" + txn, alice.token(), hello, 200))
                .containsEntry("event_id", inSecond);
    }

    @Test
    void redactionWithTheTransactionIdOfAMessageRedactsIt() {
        User alice = newUser();
        String roomId = createRoom(alice, Map.of());
        String txn = "both-" + UUID.randomUUID();
        String message = (String) put(
                        room(roomId) + "/send/m.room.message/" + txn,
                        alice.token(),
                        Map.of("msgtype", "m.text", "body", "regret"),
                        200)
                .get("event_id");
        String redaction = (String)
                put(room(roomId) + "/redact/" + enc(message) + "/" + txn, alice.token(), Map.of("reason", "x"), 200)
                        .get("event_id");
        assertThat(redaction).isNotEqualTo(message);
        assertThat(stored(redaction).type()).isEqualTo("m.room.redaction");
        StoredEvent redacted = stored(message);
        assertThat(redacted.content()).isEqualTo(JsonObject.EMPTY);
        assertThat(redacted.redactedBy()).isEqualTo(EventId.parse(redaction));
        // A retry of the redaction is the same redaction.
        assertThat(put(room(roomId) + "/redact/" + enc(message) + "/" + txn, alice.token(), Map.of("reason", "x"), 200))
                .containsEntry("event_id", redaction);
    }

    @Test
    void typeAndStateKeyLimitsCountUtf8Bytes() {
        User alice = newUser();
        String roomId = createRoom(alice, Map.of());
        // 413 M_TOO_LARGE, as Synapse answers (EventSizeError); the spec names the limit, not the status.
        for (String type : List.of("t".repeat(256), "\u00e9".repeat(200), "\ud83d\ude00".repeat(64))) {
            assertThat(put(room(roomId) + "/send/" + enc(type) + "/" + UUID.randomUUID(), alice.token(), Map.of(), 413))
                    .containsEntry("errcode", "M_TOO_LARGE");
            assertThat(put(room(roomId) + "/state/" + enc(type) + "/k", alice.token(), Map.of(), 413))
                    .containsEntry("errcode", "M_TOO_LARGE");
            assertThat(put(room(roomId) + "/state/org.example.t/" + enc(type), alice.token(), Map.of(), 413))
                    .containsEntry("errcode", "M_TOO_LARGE");
        }
        assertThat(post(
                        client,
                        V3 + "/createRoom",
                        alice.token(),
                        Map.of(
                                "initial_state",
                                List.of(Map.of("type", "\u00e9".repeat(128), "state_key", "", "content", Map.of()))),
                        413))
                .containsEntry("errcode", "M_TOO_LARGE");
        // Exactly 255 bytes is allowed: 63 four-byte characters and three ASCII ones.
        String longest = "\ud83d\ude00".repeat(63) + "abc";
        put(room(roomId) + "/send/" + enc(longest) + "/" + UUID.randomUUID(), alice.token(), Map.of(), 200);
        put(room(roomId) + "/state/org.example.t/" + enc(longest), alice.token(), Map.of(), 200);
        assertThat(joined(alice)).containsExactly(roomId);
    }

    /** The signed PDU as the roomserver stored it, for the size limit's boundary. */
    private static int pduBytes(String eventId) {
        return server.context
                .getBean(ClientRoomserverApi.class)
                .queryEvent(EventId.parse(eventId))
                .block()
                .orElseThrow()
                .pdu()
                .getBytes(StandardCharsets.UTF_8)
                .length;
    }

    @Test
    void eventSizeLimitIsTheSignedPdu() {
        User alice = newUser();
        String roomId = createRoom(alice, Map.of());
        String probe = send(alice, roomId, "x");
        // Every later message of this room has the same envelope (one prev event, the same auth events, a one-digit
        // depth, fixed-size hashes and signature), so its PDU grows byte for byte with the body.
        int envelope = pduBytes(probe) - 1;
        int exact = 65_536 - envelope;
        // The issue's case: a body just under the limit, whose PDU is over it.
        assertThat(put(
                        room(roomId) + "/send/m.room.message/" + UUID.randomUUID(),
                        alice.token(),
                        Map.of("msgtype", "m.text", "body", "x".repeat(65_190)),
                        413))
                .containsEntry("errcode", "M_TOO_LARGE");
        assertThat(put(
                        room(roomId) + "/send/m.room.message/" + UUID.randomUUID(),
                        alice.token(),
                        Map.of("msgtype", "m.text", "body", "x".repeat(exact + 1)),
                        413))
                .containsEntry("errcode", "M_TOO_LARGE");
        String atLimit = send(alice, roomId, "x".repeat(exact));
        assertThat(pduBytes(atLimit)).isEqualTo(65_536);
        assertThat(stored(atLimit).content().getString("body")).contains("x".repeat(exact));
        // A state event over the limit is refused the same way.
        assertThat(put(room(roomId) + "/state/org.example.big/", alice.token(), Map.of("v", "x".repeat(65_400)), 413))
                .containsEntry("errcode", "M_TOO_LARGE");
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

    @Test
    void memberEventsCarryTheProfileAndFollowItsChanges() throws InterruptedException {
        User alice = newUser();
        User bob = newUser();
        String profile = V3 + "/profile/" + enc(alice.id());
        put(profile + "/displayname", alice.token(), Map.of("displayname", "Alice A"), 200);
        String first = createRoom(alice, Map.of("preset", "public_chat"));
        String second = createRoom(alice, Map.of("preset", "public_chat"));
        assertThat(memberContent(first, alice).getString("displayname")).contains("Alice A");

        // A join carries the joiner's profile; a name given in the join's body wins, as in Synapse.
        put(V3 + "/profile/" + enc(bob.id()) + "/displayname", bob.token(), Map.of("displayname", "Bob"), 200);
        post(client, room(first) + "/join", bob.token(), Map.of(), 200);
        post(client, room(second) + "/join", bob.token(), Map.of("displayname", "Bobby here"), 200);
        assertThat(memberContent(first, bob).getString("displayname")).contains("Bob");
        assertThat(memberContent(second, bob).getString("displayname")).contains("Bobby here");

        // A profile change reaches every room the user is joined to, in the background.
        put(profile + "/displayname", alice.token(), Map.of("displayname", "Alice B"), 200);
        put(profile + "/avatar_url", alice.token(), Map.of("avatar_url", "mxc://test.lattice/alice"), 200);
        for (String room : List.of(first, second)) {
            awaitMemberContent(
                    room,
                    alice,
                    content -> content.getString("avatar_url")
                            .filter("mxc://test.lattice/alice"::equals)
                            .isPresent());
            JsonObject content = memberContent(room, alice);
            assertThat(content.getString("displayname")).contains("Alice B");
            assertThat(content.getString("membership")).contains("join");
        }
    }

    private static JsonObject memberContent(String roomId, User user) {
        return server.context
                .getBean(QueryStateApi.class)
                .queryCurrentStateEvent(RoomId.parse(roomId), "m.room.member", user.id())
                .block()
                .orElseThrow()
                .content();
    }

    private static void awaitMemberContent(String roomId, User user, Predicate<JsonObject> condition)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.test(memberContent(roomId, user))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("member event of " + user.id() + " in " + roomId + " never matched: "
                        + memberContent(roomId, user));
            }
            Thread.sleep(50);
        }
    }
}
