package dev.lattice.allinone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.json.JsonObject;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Client-server calls against a {@link LatticeProcess}, for the kill -9 tests: every call throws when the answer is
 * not 200 (or when the process is gone), so "acknowledged" means exactly "got a 200".
 */
final class ClientCalls {
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final LatticeProcess lattice;

    ClientCalls(LatticeProcess lattice) {
        this.lattice = lattice;
    }

    /** A new account (registered through the user-interactive flow: ask, then the dummy stage); its login answer. */
    JsonObject register(String user) throws IOException, InterruptedException {
        String credentials = "\"username\":\"" + user + "\",\"password\":\"durable-password\"";
        HttpResponse<byte[]> challenge = send(HttpRequest.newBuilder(lattice.clientUri("/_matrix/client/v3/register"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{" + credentials + "}")));
        assertThat(challenge.statusCode()).isEqualTo(401);
        String session =
                CanonicalJson.parseObject(challenge.body()).getString("session").orElseThrow();
        return post(
                "/_matrix/client/v3/register",
                null,
                "{" + credentials + ",\"auth\":{\"type\":\"m.login.dummy\",\"session\":\"" + session + "\"}}");
    }

    JsonObject get(String path, String token) throws IOException, InterruptedException {
        return json(
                send(authorized(HttpRequest.newBuilder(lattice.clientUri(path)).GET(), token)));
    }

    JsonObject post(String path, String token, String body) throws IOException, InterruptedException {
        return json(send(authorized(
                HttpRequest.newBuilder(lattice.clientUri(path)).POST(HttpRequest.BodyPublishers.ofString(body)),
                token)));
    }

    JsonObject put(String path, String token, String body) throws IOException, InterruptedException {
        return json(send(authorized(
                HttpRequest.newBuilder(lattice.clientUri(path)).PUT(HttpRequest.BodyPublishers.ofString(body)),
                token)));
    }

    /** Uploads {@code bytes} as media; the {@code content_uri}. */
    String upload(String token, String contentType, byte[] bytes) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(lattice.clientUri("/_matrix/media/v3/upload"))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", contentType)
                .timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes));
        return json(send(request)).getString("content_uri").orElseThrow();
    }

    /** The bytes of {@code mxc://server/id} through the authenticated endpoint; throws unless 200. */
    byte[] download(String token, String mxc) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = send(HttpRequest.newBuilder(
                        lattice.clientUri("/_matrix/client/v1/media/download/" + mxc.substring("mxc://".length())))
                .header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(60))
                .GET());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(response.statusCode() + " " + new String(response.body()));
        }
        return response.body();
    }

    private static HttpRequest.Builder authorized(HttpRequest.Builder request, String token) {
        request.header("Content-Type", "application/json").timeout(Duration.ofSeconds(60));
        return token != null ? request.header("Authorization", "Bearer " + token) : request;
    }

    private HttpResponse<byte[]> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static JsonObject json(HttpResponse<byte[]> response) {
        JsonObject body = CanonicalJson.parseObject(response.body());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(response.statusCode() + " " + body);
        }
        return body;
    }
}
