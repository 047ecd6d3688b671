package dev.lattice.clientapi;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Client-side steps the integration tests share: register, log in, call with a token. */
final class Accounts {
    /** A username prefix unique to this test run, so runs against a shared database never collide. */
    static final String RUN = "t" + UUID.randomUUID().toString().substring(0, 8);

    private static int counter;

    static synchronized String newUsername() {
        return RUN + "-" + (++counter);
    }

    /** Registers through the dummy flow and returns the final answer. */
    static Map<String, Object> register(WebTestClient client, String username, String password) {
        return register(client, new HashMap<>(Map.of("username", username, "password", password)));
    }

    static Map<String, Object> register(WebTestClient client, Map<String, Object> body) {
        Map<String, Object> challenge = post(client, "/_matrix/client/v3/register", null, body, 401);
        assertThat(challenge).doesNotContainKey("errcode");
        assertThat(challenge.get("flows")).isEqualTo(List.of(Map.of("stages", List.of("m.login.dummy"))));
        Map<String, Object> withAuth = new HashMap<>(body);
        withAuth.put("auth", Map.of("type", "m.login.dummy", "session", challenge.get("session")));
        return post(client, "/_matrix/client/v3/register", null, withAuth, 200);
    }

    static Map<String, Object> login(WebTestClient client, String user, String password) {
        return post(
                client,
                "/_matrix/client/v3/login",
                null,
                Map.of(
                        "type",
                        "m.login.password",
                        "identifier",
                        Map.of("type", "m.id.user", "user", user),
                        "password",
                        password),
                200);
    }

    static Map<String, Object> post(WebTestClient client, String path, String token, Object body, int status) {
        return call(client, HttpMethod.POST, path, token, body, status);
    }

    static Map<String, Object> get(WebTestClient client, String path, String token, int status) {
        return call(client, HttpMethod.GET, path, token, null, status);
    }

    static Map<String, Object> call(
            WebTestClient client, HttpMethod method, String path, String token, Object body, int status) {
        return exchange(client.method(method).uri(path), token, body, status);
    }

    /** Like {@link #call}, with {@code uri} sent as given (already percent-encoded: room IDs, aliases). */
    static Map<String, Object> call(
            WebTestClient client, HttpMethod method, URI uri, String token, Object body, int status) {
        return exchange(client.method(method).uri(uri), token, body, status);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> exchange(
            WebTestClient.RequestBodySpec request, String token, Object body, int status) {
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        WebTestClient.RequestHeadersSpec<?> ready = body == null
                ? request
                : request.contentType(MediaType.APPLICATION_JSON).bodyValue(body);
        return ready.exchange()
                .expectStatus()
                .isEqualTo(status)
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody();
    }

    /** A password stage for {@code session}. */
    static Map<String, Object> passwordAuth(String user, String password, Object session) {
        return Map.of(
                "type",
                "m.login.password",
                "identifier",
                Map.of("type", "m.id.user", "user", user),
                "password",
                password,
                "session",
                session);
    }

    private Accounts() {}
}
