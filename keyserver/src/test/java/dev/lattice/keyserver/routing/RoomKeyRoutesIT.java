package dev.lattice.keyserver.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.keyserver.internal.KeyBackups;
import dev.lattice.keyserver.storage.postgres.PostgresKeyBackupDatabase;
import dev.lattice.protocol.id.DeviceId;
import dev.lattice.protocol.id.UserId;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.runtime.http.AccessTokens;
import dev.lattice.runtime.http.JsonBodies;
import dev.lattice.runtime.http.KnownRoutes;
import dev.lattice.runtime.http.MatrixErrorHandler;
import dev.lattice.runtime.http.MatrixRouter;
import dev.lattice.testing.TestInfra;
import dev.lattice.testing.TestingUserApi;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.server.HandlerStrategies;
import tools.jackson.databind.json.JsonMapper;

/** Server-side key backup through its routes, against a real PostgreSQL. */
class RoomKeyRoutesIT {
    private static final String BASE = "/_matrix/client/v3/room_keys";
    private static final String ROOM = "!room:test.lattice";
    private static final String ALGORITHM = "m.megolm_backup.v1.curve25519-aes-sha2";
    private static final TestingUserApi USERS = new TestingUserApi();
    private static WebTestClient client;

    @BeforeAll
    static void start() {
        KnownRoutes known = new KnownRoutes();
        var routes = new RoomKeyRoutes(
                        new AccessTokens(() -> USERS, Clock.systemUTC()),
                        new JsonBodies(JsonMapper.builder().build()),
                        new KeyBackups(new PostgresKeyBackupDatabase(TestInfra.migrated("keyserver"))))
                .routes(new MatrixRouter(known));
        client = WebTestClient.bindToRouterFunction(routes)
                .handlerStrategies(HandlerStrategies.builder()
                        .exceptionHandler(new MatrixErrorHandler(known))
                        .build())
                .configureClient()
                .responseTimeout(Duration.ofSeconds(30))
                .build();
    }

    private static String newUser() {
        UserId user = UserId.parse("@u" + UUID.randomUUID().toString().substring(0, 8) + ":test.lattice");
        return USERS.login(user, DeviceId.parse("PHONE"));
    }

    private static JsonObject call(HttpMethod method, String token, String path, String body, int status) {
        var request = client.method(method).uri(BASE + path).header("Authorization", "Bearer " + token);
        if (body != null) {
            request.contentType(MediaType.APPLICATION_JSON).bodyValue(body.getBytes(StandardCharsets.UTF_8));
        }
        byte[] answer = request.exchange()
                .expectStatus()
                .isEqualTo(status)
                .expectBody()
                .returnResult()
                .getResponseBody();
        return CanonicalJson.parseObject(answer);
    }

    private static String key(int firstMessageIndex, int forwardedCount, boolean verified, String data) {
        return "{\"first_message_index\":" + firstMessageIndex + ",\"forwarded_count\":" + forwardedCount
                + ",\"is_verified\":" + verified + ",\"session_data\":{\"ciphertext\":\"" + data + "\"}}";
    }

    private static String ciphertext(JsonObject key) {
        return key.getObject("session_data")
                .orElseThrow()
                .getString("ciphertext")
                .orElseThrow();
    }

    @Test
    void versionsAndKeysWithTheBetterKeyWinning() {
        String token = newUser();
        assertThat(call(HttpMethod.GET, token, "/version", null, 404).getString("errcode"))
                .contains("M_NOT_FOUND");
        String created = call(
                        HttpMethod.POST,
                        token,
                        "/version",
                        "{\"algorithm\":\"" + ALGORITHM + "\",\"auth_data\":{\"public_key\":\"abc\"}}",
                        200)
                .getString("version")
                .orElseThrow();
        JsonObject version = call(HttpMethod.GET, token, "/version", null, 200);
        assertThat(version.getString("version")).contains(created);
        assertThat(version.getString("algorithm")).contains(ALGORITHM);
        assertThat(version.getInteger("count")).contains(0L);
        String etag = version.getString("etag").orElseThrow();

        String sessionPath = "/keys/" + ROOM + "/S1?version=" + created;
        JsonObject first = call(
                HttpMethod.PUT,
                token,
                "/keys?version=" + created,
                "{\"rooms\":{\"" + ROOM + "\":{\"sessions\":{\"S1\":" + key(5, 1, false, "first") + "}}}}",
                200);
        assertThat(first.getInteger("count")).contains(1L);
        assertThat(first.getString("etag").orElseThrow()).isNotEqualTo(etag);
        // A worse key (later first index) changes nothing, not even the etag.
        JsonObject worse = call(HttpMethod.PUT, token, sessionPath, key(9, 0, false, "worse"), 200);
        assertThat(worse.getString("etag")).isEqualTo(first.getString("etag"));
        assertThat(ciphertext(call(HttpMethod.GET, token, sessionPath, null, 200)))
                .isEqualTo("first");
        // A verified key beats an unverified one whatever its index.
        JsonObject better = call(HttpMethod.PUT, token, sessionPath, key(20, 3, true, "verified"), 200);
        assertThat(better.getString("etag")).isNotEqualTo(first.getString("etag"));
        assertThat(ciphertext(call(HttpMethod.GET, token, sessionPath, null, 200)))
                .isEqualTo("verified");
        call(
                HttpMethod.PUT,
                token,
                "/keys/" + ROOM + "?version=" + created,
                "{\"sessions\":{\"S2\":" + key(0, 0, false, "second") + "}}",
                200);
        JsonObject all = call(HttpMethod.GET, token, "/keys?version=" + created, null, 200);
        assertThat(all.getObject("rooms")
                        .orElseThrow()
                        .getObject(ROOM)
                        .orElseThrow()
                        .getObject("sessions")
                        .orElseThrow()
                        .members())
                .containsOnlyKeys("S1", "S2");
        assertThat(call(HttpMethod.GET, token, "/keys/" + ROOM + "/S9?version=" + created, null, 404)
                        .getString("errcode"))
                .contains("M_NOT_FOUND");

        // A newer version becomes current: keys for the old one are refused with the current version.
        String newer = call(
                        HttpMethod.POST,
                        token,
                        "/version",
                        "{\"algorithm\":\"" + ALGORITHM + "\",\"auth_data\":{\"public_key\":\"def\"}}",
                        200)
                .getString("version")
                .orElseThrow();
        JsonObject wrong = call(HttpMethod.PUT, token, sessionPath, key(0, 0, true, "late"), 403);
        assertThat(wrong.getString("errcode")).contains("M_WRONG_ROOM_KEYS_VERSION");
        assertThat(wrong.getString("current_version")).contains(newer);

        // Only auth_data may change; the body's version must be the path's.
        call(
                HttpMethod.PUT,
                token,
                "/version/" + newer,
                "{\"algorithm\":\"" + ALGORITHM + "\",\"auth_data\":{\"public_key\":\"ghi\"}}",
                200);
        assertThat(call(HttpMethod.GET, token, "/version/" + newer, null, 200)
                        .getObject("auth_data")
                        .orElseThrow()
                        .getString("public_key"))
                .contains("ghi");
        assertThat(call(HttpMethod.PUT, token, "/version/" + newer, "{\"algorithm\":\"other\",\"auth_data\":{}}", 400)
                        .getString("errcode"))
                .contains("M_INVALID_PARAM");
        assertThat(call(
                                HttpMethod.PUT,
                                token,
                                "/version/" + newer,
                                "{\"algorithm\":\"" + ALGORITHM + "\",\"auth_data\":{},\"version\":\"77\"}",
                                400)
                        .getString("errcode"))
                .contains("M_INVALID_PARAM");

        // Deleting keys moves the count; deleting the newer version makes the older one current again.
        assertThat(call(HttpMethod.DELETE, token, "/keys/" + ROOM + "/S2?version=" + created, null, 200)
                        .getInteger("count"))
                .contains(1L);
        call(HttpMethod.DELETE, token, "/version/" + newer, null, 200);
        assertThat(call(HttpMethod.GET, token, "/version/" + newer, null, 404).getString("errcode"))
                .contains("M_NOT_FOUND");
        assertThat(call(HttpMethod.GET, token, "/version", null, 200).getString("version"))
                .contains(created);
        assertThat(call(HttpMethod.DELETE, token, "/version/" + newer, null, 404)
                        .getString("errcode"))
                .contains("M_NOT_FOUND");
    }

    @Test
    void badRequestsAreRefusedAndStoreNothing() {
        String token = newUser();
        assertThat(call(HttpMethod.POST, token, "/version", "{\"auth_data\":{}}", 400)
                        .getString("errcode"))
                .contains("M_MISSING_PARAM");
        assertThat(call(HttpMethod.POST, token, "/version", "{\"algorithm\":\"a\",\"auth_data\":1}", 400)
                        .getString("errcode"))
                .contains("M_BAD_JSON");
        String version = call(HttpMethod.POST, token, "/version", "{\"algorithm\":\"a\",\"auth_data\":{}}", 200)
                .getString("version")
                .orElseThrow();
        assertThat(call(HttpMethod.PUT, token, "/keys/" + ROOM + "/S1", key(0, 0, false, "x"), 400)
                        .getString("errcode"))
                .contains("M_MISSING_PARAM");
        assertThat(call(
                                HttpMethod.PUT,
                                token,
                                "/keys/" + ROOM + "/S1?version=" + version,
                                "{\"first_message_index\":-1,\"forwarded_count\":0,\"is_verified\":false,"
                                        + "\"session_data\":{}}",
                                400)
                        .getString("errcode"))
                .contains("M_BAD_JSON");
        assertThat(call(
                                HttpMethod.PUT,
                                token,
                                "/keys?version=" + version,
                                "{\"rooms\":{\"" + ROOM + "\":{\"sessions\":{\"ok\":" + key(0, 0, false, "x")
                                        + ",\"bad\":{\"is_verified\":\"no\"}}}}}",
                                400)
                        .getString("errcode"))
                .isPresent();
        assertThat(call(HttpMethod.GET, token, "/version", null, 200).getInteger("count"))
                .contains(0L);
        assertThat(call(HttpMethod.GET, token, "/version/nonsense", null, 404).getString("errcode"))
                .contains("M_NOT_FOUND");
        assertThat(call(HttpMethod.GET, token, "/keys?version=999", null, 404).getString("errcode"))
                .contains("M_NOT_FOUND");
    }
}
