package dev.lattice.clientapi;

import static dev.lattice.clientapi.Accounts.get;
import static dev.lattice.clientapi.Accounts.newUsername;
import static dev.lattice.clientapi.Accounts.post;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Registration by token, closed registration, and rate limits: each needs its own server settings. */
class RegistrationPolicyIT {
    private static final String PASSWORD = "correct horse";

    @Test
    void registrationTokensAreRequiredWhenConfigured() {
        try (TestServer server = TestServer.start(Map.of(
                "lattice.client-api.registration.requires-token",
                true,
                "lattice.client-api.registration.tokens[0]",
                "let-me-in"))) {
            String validity = "/_matrix/client/v1/register/m.login.registration_token/validity?token=";
            assertThat(get(server.client, validity + "let-me-in", null, 200)).containsEntry("valid", true);
            assertThat(get(server.client, validity + "nope", null, 200)).containsEntry("valid", false);

            String name = newUsername();
            Map<String, Object> body = Map.of("username", name, "password", PASSWORD);
            Map<String, Object> challenge = post(server.client, "/_matrix/client/v3/register", null, body, 401);
            assertThat(challenge.get("flows"))
                    .isEqualTo(List.of(Map.of("stages", List.of("m.login.registration_token"))));
            Object session = challenge.get("session");
            // The dummy stage is not offered here.
            assertThat(post(
                            server.client,
                            "/_matrix/client/v3/register",
                            null,
                            Map.of(
                                    "username",
                                    name,
                                    "password",
                                    PASSWORD,
                                    "auth",
                                    Map.of("type", "m.login.dummy", "session", session)),
                            401))
                    .containsEntry("errcode", "M_UNRECOGNIZED");
            assertThat(post(
                            server.client,
                            "/_matrix/client/v3/register",
                            null,
                            Map.of(
                                    "username",
                                    name,
                                    "password",
                                    PASSWORD,
                                    "auth",
                                    Map.of("type", "m.login.registration_token", "token", "nope", "session", session)),
                            401))
                    .containsEntry("errcode", "M_UNAUTHORIZED")
                    .containsEntry("session", session);
            assertThat(post(
                            server.client,
                            "/_matrix/client/v3/register",
                            null,
                            Map.of(
                                    "username",
                                    name,
                                    "password",
                                    PASSWORD,
                                    "auth",
                                    Map.of(
                                            "type",
                                            "m.login.registration_token",
                                            "token",
                                            "let-me-in",
                                            "session",
                                            session)),
                            200))
                    .containsEntry("user_id", "@" + name + ":" + TestServer.SERVER_NAME);
        }
    }

    @Test
    void closedRegistrationIsForbiddenButLoginStillWorksAndSharedSecretIsOff() {
        try (TestServer server = TestServer.start(Map.of("lattice.client-api.registration.enabled", false))) {
            assertThat(post(
                            server.client,
                            "/_matrix/client/v3/register",
                            null,
                            Map.of("username", newUsername(), "password", PASSWORD),
                            403))
                    .containsEntry("errcode", "M_FORBIDDEN");
            assertThat(get(server.client, "/_matrix/client/v3/register/available?username=" + newUsername(), null, 403))
                    .containsEntry("errcode", "M_FORBIDDEN");
            assertThat(get(server.client, "/_synapse/admin/v1/register", null, 400))
                    .containsEntry("errcode", "M_UNKNOWN");
            post(
                    server.client,
                    "/_matrix/client/v3/login",
                    null,
                    Map.of("type", "m.login.password", "user", newUsername(), "password", PASSWORD),
                    403);
        }
    }

    @Test
    void loginIsRateLimitedPerClientAddress() {
        try (TestServer server = TestServer.start(Map.of(
                "lattice.client-api.rate-limits.login.per-second",
                0.01,
                "lattice.client-api.rate-limits.login.burst",
                2))) {
            String name = newUsername();
            String token =
                    (String) Accounts.register(server.client, name, PASSWORD).get("access_token");
            Map<String, Object> attempt = Map.of("type", "m.login.password", "user", name, "password", PASSWORD);
            post(server.client, "/_matrix/client/v3/login", null, attempt, 200);
            post(server.client, "/_matrix/client/v3/login", null, attempt, 200);
            Map<String, Object> limited = post(server.client, "/_matrix/client/v3/login", null, attempt, 429);
            assertThat(limited).containsEntry("errcode", "M_LIMIT_EXCEEDED");
            assertThat(((Number) limited.get("retry_after_ms")).longValue()).isPositive();
            // the refused login issued no device: registration's and the two logins' only
            assertThat((List<?>) get(server.client, "/_matrix/client/v3/devices", token, 200)
                            .get("devices"))
                    .hasSize(3);
        }
    }
}
