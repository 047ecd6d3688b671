package dev.lattice.bench.load;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.lattice.api.clientapi.SharedSecretMac;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The few client-server API calls the load tool makes, over one shared JDK {@link HttpClient} (HTTP/1.1, a pooled
 * connection per concurrent request). Blocking: callers run on virtual threads. Non-2xx answers throw
 * {@link RequestFailed}; setup calls wait out {@code 429 M_LIMIT_EXCEEDED} and try again.
 */
final class MatrixClient {
    private static final String CLIENT = "/_matrix/client/v3";
    private static final String ADMIN_REGISTER = "/_synapse/admin/v1/register";
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

    /** A logged-in user. */
    record Session(String userId, String accessToken) {}

    /** A /sync or /messages answer and when its body had fully arrived ({@link System#nanoTime()}). */
    record Received(JsonNode body, long nanos) {}

    /** A request answered with an error status, or not at all. */
    static final class RequestFailed extends RuntimeException {
        final int status;

        RequestFailed(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    private final URI baseUrl;
    private final HttpClient http;
    private final JsonMapper json;

    MatrixClient(URI baseUrl, JsonMapper json) {
        this.baseUrl = baseUrl;
        this.json = json;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
    }

    /** Synapse's shared-secret registration: a fresh nonce, then the account with the HMAC over it. */
    Session register(String sharedSecret, String username, String password) {
        String nonce =
                withRetries(() -> call(get(ADMIN_REGISTER), null)).path("nonce").asString();
        ObjectNode body = json.createObjectNode()
                .put("nonce", nonce)
                .put("username", username)
                .put("password", password)
                .put("admin", false)
                .put("mac", SharedSecretMac.compute(sharedSecret, nonce, username, password, false, null));
        // not retried: the nonce is used up by the first attempt
        JsonNode created = call(post(ADMIN_REGISTER, body), null);
        return new Session(
                created.path("user_id").asString(), created.path("access_token").asString());
    }

    /** {@code POST /login} with a password: a new device and its access token. */
    Session login(String userId, String password) {
        ObjectNode body =
                json.createObjectNode().put("type", "m.login.password").put("password", password);
        body.putObject("identifier").put("type", "m.id.user").put("user", userId);
        JsonNode session = withRetries(() -> call(post(CLIENT + "/login", body), null));
        return new Session(
                session.path("user_id").asString(), session.path("access_token").asString());
    }

    /** {@code POST /createRoom} as a public room, so members join without an invite; returns the room ID. */
    String createRoom(Session session) {
        ObjectNode body = json.createObjectNode().put("preset", "public_chat");
        return withRetries(() -> call(post(CLIENT + "/createRoom", body), session))
                .path("room_id")
                .asString();
    }

    /** {@code POST /rooms/{roomId}/join}. */
    void join(Session session, String roomId) {
        withRetries(() -> call(post(CLIENT + "/rooms/" + encode(roomId) + "/join", json.createObjectNode()), session));
    }

    /** {@code PUT /rooms/{roomId}/send/m.room.message/{txnId}}; returns the event ID. Not retried. */
    String send(Session session, String roomId, String txnId, ObjectNode content) {
        HttpRequest.Builder request = request(
                        CLIENT + "/rooms/" + encode(roomId) + "/send/m.room.message/" + encode(txnId))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(content)));
        String eventId = call(request, session).path("event_id").asString("");
        if (eventId.isEmpty()) {
            throw new RequestFailed(200, "PUT send answered without an event_id");
        }
        return eventId;
    }

    /** {@code GET /sync}; {@code since} null for an initial sync. */
    Received sync(Session session, String since, Duration timeout, String filter) {
        StringBuilder path = new StringBuilder(CLIENT + "/sync?timeout=")
                .append(timeout.toMillis())
                .append("&filter=")
                .append(encode(filter));
        if (since != null) {
            path.append("&since=").append(encode(since));
        }
        JsonNode body = call(get(path.toString()).timeout(timeout.plus(REQUEST_TIMEOUT)), session);
        return new Received(body, System.nanoTime());
    }

    /** Simplified Sliding Sync (MSC4186); {@code pos} null to begin a connection. */
    Received slidingSync(Session session, String pos, Duration timeout, JsonNode body) {
        StringBuilder path = new StringBuilder("/_matrix/client/unstable/org.matrix.simplified_msc3575/sync?timeout=")
                .append(timeout.toMillis());
        if (pos != null) {
            path.append("&pos=").append(encode(pos));
        }
        JsonNode answer = call(post(path.toString(), body).timeout(timeout.plus(REQUEST_TIMEOUT)), session);
        return new Received(answer, System.nanoTime());
    }

    /** {@code GET /rooms/{roomId}/messages?dir=b&from=…&to=…}: the events a limited timeline left out. */
    Received messagesBackwards(Session session, String roomId, String from, String to, String filter) {
        String path = CLIENT + "/rooms/" + encode(roomId) + "/messages?dir=b&limit=100&from=" + encode(from) + "&to="
                + encode(to) + "&filter=" + encode(filter);
        JsonNode body = call(get(path), session);
        return new Received(body, System.nanoTime());
    }

    private JsonNode call(HttpRequest.Builder request, Session session) {
        if (session != null) {
            request.header("Authorization", "Bearer " + session.accessToken());
        }
        HttpResponse<byte[]> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new RequestFailed(0, "no answer: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RequestFailed(0, "interrupted");
        }
        if (response.statusCode() != 200) {
            throw new RequestFailed(
                    response.statusCode(),
                    response.request().method() + " "
                            + response.request().uri().getPath() + ": " + response.statusCode() + " "
                            + new String(response.body(), UTF_8));
        }
        return json.readTree(response.body());
    }

    private JsonNode withRetries(java.util.function.Supplier<JsonNode> call) {
        for (int attempt = 1; ; attempt++) {
            try {
                return call.get();
            } catch (RequestFailed e) {
                if (e.status != 429 || attempt >= 20) {
                    throw e;
                }
                sleep(Duration.ofMillis(200L * attempt));
            }
        }
    }

    private HttpRequest.Builder get(String path) {
        return request(path).GET();
    }

    private HttpRequest.Builder post(String path, JsonNode body) {
        return request(path).POST(HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body)));
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/json");
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, UTF_8).replace("+", "%20");
    }

    static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RequestFailed(0, "interrupted");
        }
    }
}
