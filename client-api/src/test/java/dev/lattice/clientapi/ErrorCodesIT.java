package dev.lattice.clientapi;

import static dev.lattice.clientapi.Accounts.call;
import static dev.lattice.clientapi.Accounts.get;
import static dev.lattice.clientapi.Accounts.newUsername;
import static dev.lattice.clientapi.Accounts.post;
import static dev.lattice.clientapi.Accounts.register;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Every errcode issue #4 names, one representative request each, over real HTTP with the roomserver in the same
 * process: the exact status and errcode, and then proof that the failed request changed nothing. (Each endpoint's
 * own ITs test more of its error paths. {@code M_LIMIT_EXCEEDED} needs a server with a small login bucket of its
 * own: {@code RegistrationPolicyIT.loginIsRateLimitedPerClientAddress}, which also shows the refused login issued no
 * device.)
 */
class ErrorCodesIT {
    private static final String V3 = "/_matrix/client/v3";
    private static final String PASSWORD = "correct horse battery";
    private static TestServer server;
    private static WebTestClient client;
    private static String base;

    @BeforeAll
    static void start() {
        server = TestServer.start(
                WithRoomserverApplication.class, Map.of("lattice.client-api.password-policy.min-length", 12));
        client = server.client;
        base = "http://127.0.0.1:" + server.context.getEnvironment().getProperty("local.server.port");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private record User(String name, String id, String token) {}

    private static User newUser() {
        String name = newUsername();
        Map<String, Object> session = register(client, name, PASSWORD);
        return new User(name, (String) session.get("user_id"), (String) session.get("access_token"));
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static Map<String, Object> at(HttpMethod method, String path, String token, Object body, int status) {
        return call(client, method, URI.create(base + path), token, body, status);
    }

    private static String displayname(User user) {
        return (String) at(HttpMethod.GET, V3 + "/profile/" + enc(user.id()) + "/displayname", null, null, 200)
                .get("displayname");
    }

    @SuppressWarnings("unchecked")
    private static List<String> joinedRooms(User user) {
        return (List<String>)
                get(client, V3 + "/joined_rooms", user.token(), 200).get("joined_rooms");
    }

    /** Registration refuses a bad username or password at the first request, before any auth stage. */
    private static Map<String, Object> registerRefused(String username, String password) {
        return post(client, V3 + "/register", null, Map.of("username", username, "password", password), 400);
    }

    private static boolean available(String username) {
        return Boolean.TRUE.equals(get(client, V3 + "/register/available?username=" + username, null, 200)
                .get("available"));
    }

    @Test
    void tokenErrorsLeaveTheProfileAlone() {
        User alice = newUser();
        String before = displayname(alice);
        String path = V3 + "/profile/" + enc(alice.id()) + "/displayname";
        assertThat(at(HttpMethod.PUT, path, null, Map.of("displayname", "x"), 401))
                .containsEntry("errcode", "M_MISSING_TOKEN");
        assertThat(at(HttpMethod.PUT, path, "not-a-token", Map.of("displayname", "x"), 401))
                .containsEntry("errcode", "M_UNKNOWN_TOKEN");
        User mallory = newUser();
        assertThat(at(HttpMethod.PUT, path, mallory.token(), Map.of("displayname", "x"), 403))
                .containsEntry("errcode", "M_FORBIDDEN");
        assertThat(displayname(alice)).isEqualTo(before);
    }

    @Test
    void notFound() {
        User alice = newUser();
        String missing = "#missing-" + alice.name() + ":" + TestServer.SERVER_NAME;
        assertThat(at(HttpMethod.GET, V3 + "/directory/room/" + enc(missing), alice.token(), null, 404))
                .containsEntry("errcode", "M_NOT_FOUND");
        String nobody = "@nobody-" + alice.name() + ":" + TestServer.SERVER_NAME;
        assertThat(at(HttpMethod.GET, V3 + "/profile/" + enc(nobody), alice.token(), null, 404))
                .containsEntry("errcode", "M_NOT_FOUND");
    }

    @Test
    void registrationErrorsCreateNoAccount() {
        User taken = newUser();
        assertThat(registerRefused(taken.name(), "another long password")).containsEntry("errcode", "M_USER_IN_USE");
        Accounts.login(client, taken.name(), PASSWORD); // the first account's password still holds

        assertThat(registerRefused("not valid", PASSWORD)).containsEntry("errcode", "M_INVALID_USERNAME");

        String weak = newUsername();
        assertThat(registerRefused(weak, "short")).containsEntry("errcode", "M_WEAK_PASSWORD");
        assertThat(available(weak)).isTrue();
    }

    @Test
    void badBodiesCreateNoRoom() {
        User alice = newUser();
        assertThat(post(client, V3 + "/createRoom", alice.token(), Map.of("name", 5), 400))
                .containsEntry("errcode", "M_BAD_JSON");
        client.post()
                .uri(V3 + "/createRoom")
                .header("Authorization", "Bearer " + alice.token())
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"name\":")
                .exchange()
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.errcode")
                .isEqualTo("M_NOT_JSON");
        assertThat(post(client, V3 + "/createRoom", alice.token(), Map.of("room_version", "99"), 400))
                .containsEntry("errcode", "M_UNSUPPORTED_ROOM_VERSION");
        String alias = "e" + alice.name().replace("-", "");
        String first = (String) post(client, V3 + "/createRoom", alice.token(), Map.of("room_alias_name", alias), 200)
                .get("room_id");
        assertThat(post(client, V3 + "/createRoom", alice.token(), Map.of("room_alias_name", alias), 400))
                .containsEntry("errcode", "M_ROOM_IN_USE");
        assertThat(joinedRooms(alice)).containsExactly(first);
    }

    /** {@code prefix}, then the given raw bytes, then {@code suffix}: JSON with invalid UTF-8 inside a string. */
    private static byte[] withBytes(String prefix, int[] bytes, String suffix) {
        var out = new java.io.ByteArrayOutputStream();
        out.writeBytes(prefix.getBytes(StandardCharsets.UTF_8));
        for (int b : bytes) {
            out.write(b);
        }
        out.writeBytes(suffix.getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    /**
     * Issue #15 item 26: a body that is not valid UTF-8 is not JSON (RFC 8259 §8.1, and Synapse decodes bodies as
     * strict UTF-8 and answers {@code M_NOT_JSON}) — including the sequences a lenient decoder quietly maps to
     * other text: an overlong {@code /} ({@code C0 AF}), a code point above U+10FFFF, and UTF-16.
     */
    @Test
    void invalidUtf8IsNotJsonAndChangesNothing() {
        User alice = newUser();
        String before = displayname(alice);
        String profile = V3 + "/profile/" + enc(alice.id()) + "/displayname";
        int[] overlongSlash = {0xC0, 0xAF};
        int[] beyondUnicode = {0xF4, 0x90, 0x80, 0x80};
        int[] badContinuation = {0xC3, 0x28};
        for (int[] invalid : List.of(overlongSlash, beyondUnicode, badContinuation)) {
            byte[] body = withBytes("{\"displayname\":\"a", invalid, "\"}");
            assertThat(at(HttpMethod.PUT, profile, alice.token(), body, 400)).containsEntry("errcode", "M_NOT_JSON");
        }
        byte[] utf16 = "{\"displayname\":\"a\"}".getBytes(StandardCharsets.UTF_16LE);
        assertThat(at(HttpMethod.PUT, profile, alice.token(), utf16, 400)).containsEntry("errcode", "M_NOT_JSON");
        assertThat(displayname(alice)).isEqualTo(before);

        String roomId = (String)
                post(client, V3 + "/createRoom", alice.token(), Map.of(), 200).get("room_id");
        String send = V3 + "/rooms/" + enc(roomId) + "/send/m.room.message/utf8-1";
        assertThat(at(
                        HttpMethod.PUT,
                        send,
                        alice.token(),
                        withBytes("{\"msgtype\":\"m.text\",\"body\":\"", overlongSlash, "\"}"),
                        400))
                .containsEntry("errcode", "M_NOT_JSON");
        // nothing was sent under that transaction ID: it now sends a new event
        assertThat(at(HttpMethod.PUT, send, alice.token(), Map.of("msgtype", "m.text", "body", "ok"), 200))
                .containsKey("event_id");
    }

    /**
     * Issue #15 item 26: {@code /login} without {@code type}. The spec names no errcode; Synapse answers
     * {@code 400 M_UNKNOWN "Missing JSON keys."}. We answer {@code M_MISSING_PARAM}, what Synapse and this server
     * answer for every other missing body field (a missing {@code password} here too).
     */
    @Test
    void loginWithoutTypeIsMissingParam() {
        User alice = newUser();
        Map<String, Object> untyped =
                Map.of("identifier", Map.of("type", "m.id.user", "user", alice.name()), "password", PASSWORD);
        assertThat(post(client, V3 + "/login", null, untyped, 400)).containsEntry("errcode", "M_MISSING_PARAM");
        assertThat(post(client, V3 + "/login", null, Map.of(), 400)).containsEntry("errcode", "M_MISSING_PARAM");
        assertThat((List<?>) get(client, V3 + "/devices", alice.token(), 200).get("devices"))
                .hasSize(1);
    }

    /**
     * Issue #15 item 25: a chunked body (no {@code Content-Length}) that grows past the limit is answered
     * {@code 413 M_TOO_LARGE} as soon as the limit is crossed, over a real socket: the client sends 2 MiB of a
     * 20 MiB body and stops, so the answer can only come if the server does not wait for the rest.
     */
    @Test
    void anOversizedChunkedBodyIs413BeforeItIsAllSent() throws Exception {
        User alice = newUser();
        int port = Integer.parseInt(server.context.getEnvironment().getProperty("local.server.port"));
        try (var socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000); // a guard against a hang, not a measurement
            var out = socket.getOutputStream();
            out.write(("PUT " + V3 + "/profile/" + enc(alice.id()) + "/displayname HTTP/1.1\r\n"
                            + "Host: 127.0.0.1\r\n"
                            + "Authorization: Bearer " + alice.token() + "\r\n"
                            + "Content-Type: application/json\r\n"
                            + "Transfer-Encoding: chunked\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = new byte[64 * 1024];
            java.util.Arrays.fill(chunk, (byte) 'a');
            byte[] start = "{\"displayname\":\"".getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(start, 0, chunk, 0, start.length);
            byte[] header = (Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
            for (int sent = 0; sent < 2 * 1024 * 1024; sent += chunk.length) {
                out.write(header);
                out.write(chunk);
                out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                java.util.Arrays.fill(chunk, 0, start.length, (byte) 'a');
            }
            out.flush();

            var in = new java.io.DataInputStream(socket.getInputStream());
            String statusLine = readLine(in);
            assertThat(statusLine).startsWith("HTTP/1.1 413");
            int length = -1;
            for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
                if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                    length = Integer.parseInt(
                            line.substring("content-length:".length()).trim());
                }
            }
            byte[] body = new byte[length];
            in.readFully(body);
            assertThat(new String(body, StandardCharsets.UTF_8)).contains("\"errcode\":\"M_TOO_LARGE\"");
        }
        assertThat(displayname(alice)).isEqualTo(alice.name());
    }

    private static String readLine(java.io.DataInputStream in) throws java.io.IOException {
        var line = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new java.io.EOFException("connection closed after: " + line);
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    @Test
    void tooLargeSendsNothingAndLeavesTheTxnIdFree() {
        User alice = newUser();
        String roomId = (String)
                post(client, V3 + "/createRoom", alice.token(), Map.of(), 200).get("room_id");
        String send = V3 + "/rooms/" + enc(roomId) + "/send/m.room.message/big-1";
        assertThat(at(
                        HttpMethod.PUT,
                        send,
                        alice.token(),
                        Map.of("msgtype", "m.text", "body", "x".repeat(70_000)),
                        413))
                .containsEntry("errcode", "M_TOO_LARGE");
        // nothing was sent under that transaction ID: the same txnId now sends a new event, and only one
        String eventId =
                (String) at(HttpMethod.PUT, send, alice.token(), Map.of("msgtype", "m.text", "body", "ok"), 200)
                        .get("event_id");
        assertThat(at(HttpMethod.PUT, send, alice.token(), Map.of("msgtype", "m.text", "body", "ok"), 200))
                .containsEntry("event_id", eventId);
    }
}
