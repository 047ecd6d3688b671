package dev.lattice.allinone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.protocol.crypto.JsonSigning;
import dev.lattice.protocol.crypto.SignatureCheck;
import dev.lattice.protocol.crypto.VerifyKey;
import dev.lattice.protocol.id.KeyId;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.json.JsonObject;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The all-in-one server as a real process with its embedded PostgreSQL and Kafka: the first endpoints, both
 * listeners, metrics, and that a restart — clean or after SIGKILL — keeps its identity.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AllInOneIT {
    @TempDir
    static Path directory;

    private static LatticeProcess lattice;
    private static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        lattice = new LatticeProcess(directory);
        Duration startup = lattice.start();
        System.out.println("all-in-one first start (initdb, Kafka format) to first 200: " + startup.toMillis() + " ms");
    }

    @AfterAll
    static void stop() throws Exception {
        lattice.close();
    }

    @Test
    @Order(1)
    void versionsListsOnlyV1Versions() throws Exception {
        JsonObject body = getJson(lattice.clientUri("/_matrix/client/versions"), 200);
        assertThat(body.getArray("versions").orElseThrow().values())
                .extracting(Object::toString)
                .contains("JsonString[value=v1.19]")
                .noneMatch(v -> v.contains("r0."));
    }

    @Test
    @Order(2)
    void wellKnownAnnouncesClientAndServer() throws Exception {
        JsonObject client = getJson(lattice.clientUri("/.well-known/matrix/client"), 200);
        assertThat(client.getObject("m.homeserver").flatMap(h -> h.getString("base_url")))
                .contains("http://localhost:" + lattice.clientPort);
        JsonObject server = getJson(lattice.clientUri("/.well-known/matrix/server"), 200);
        assertThat(server.getString("m.server")).contains("localhost:" + lattice.federationPort);
    }

    @Test
    @Order(3)
    void serverKeysVerifyWithTheirOwnKeyOverTls() throws Exception {
        JsonObject keys = getJson(federationClient(), lattice.federationUri("/_matrix/key/v2/server"), 200);
        assertThat(keys.getString("server_name")).contains("localhost");
        long validUntil = keys.getInteger("valid_until_ts").orElseThrow();
        assertThat(validUntil)
                .isBetween(
                        System.currentTimeMillis(),
                        System.currentTimeMillis() + Duration.ofDays(7).toMillis());
        assertThat(selfVerifies(keys)).isEqualTo(SignatureCheck.VALID);

        // Tampering breaks the signature: the check above can fail.
        JsonObject forged = keys.with("server_name", dev.lattice.protocol.json.JsonString.of("localhost"))
                .with("valid_until_ts", dev.lattice.protocol.json.JsonInteger.of(validUntil + 1));
        assertThat(selfVerifies(forged)).isEqualTo(SignatureCheck.BAD_SIGNATURE);
    }

    @Test
    @Order(4)
    void federationVersionOnTheFederationListenerOnly() throws Exception {
        JsonObject version = getJson(federationClient(), lattice.federationUri("/_matrix/federation/v1/version"), 200);
        assertThat(version.getObject("server").flatMap(s -> s.getString("name")))
                .contains("Lattice");
        // The client listener does not serve federation paths, and the federation listener no client paths.
        assertUnrecognized(http, lattice.clientUri("/_matrix/federation/v1/version"), "GET", 404);
        assertUnrecognized(federationClient(), lattice.federationUri("/_matrix/client/versions"), "GET", 404);
    }

    @Test
    @Order(5)
    void unknownPathsAndMethodsAreUnrecognized() throws Exception {
        assertUnrecognized(http, lattice.clientUri("/_matrix/client/v3/no_such_endpoint"), "GET", 404);
        assertUnrecognized(http, lattice.clientUri("/_matrix/client/v3/rooms/!a:localhost/no_such"), "POST", 404);
        assertUnrecognized(http, lattice.clientUri("/_matrix/client/versions"), "DELETE", 405);
        // one path per service, each with a method it does not serve (issue #15 item 17)
        assertUnrecognized(http, lattice.clientUri("/_matrix/client/v3/sync"), "DELETE", 405);
        assertUnrecognized(http, lattice.clientUri("/_matrix/client/v3/rooms/!a:localhost/messages"), "POST", 405);
        assertUnrecognized(http, lattice.clientUri("/_matrix/client/v3/createRoom"), "GET", 405);
        assertUnrecognized(http, lattice.clientUri("/_matrix/client/v3/login"), "PUT", 405);
        assertUnrecognized(http, lattice.clientUri("/_lattice/health"), "POST", 405);
        assertUnrecognized(federationClient(), lattice.federationUri("/_matrix/key/v2/server"), "POST", 405);
        assertUnrecognized(federationClient(), lattice.federationUri("/_matrix/federation/v1/version"), "DELETE", 405);
    }

    /** HEAD is served wherever GET is (RFC 9110 §9.1, and Synapse), with GET's status and headers and no body. */
    @Test
    @Order(5)
    void headIsServedWhereverGetIs() throws Exception {
        for (String path : List.of("/_matrix/client/versions", "/.well-known/matrix/client", "/_lattice/health")) {
            HttpResponse<byte[]> head = bare(http, lattice.clientUri(path), "HEAD");
            assertThat(head.statusCode()).as("HEAD " + path).isEqualTo(200);
            assertThat(head.body()).isEmpty();
        }
        // a GET endpoint's own errors are HEAD's too: no token is 401, not 405
        assertThat(bare(http, lattice.clientUri("/_matrix/client/v3/sync"), "HEAD")
                        .statusCode())
                .isEqualTo(401);
        assertThat(bare(http, lattice.clientUri("/_matrix/client/v3/createRoom"), "DELETE")
                        .headers()
                        .firstValue("Allow"))
                .contains("POST");
        assertThat(bare(http, lattice.clientUri("/_matrix/client/versions"), "DELETE")
                        .headers()
                        .firstValue("Allow")
                        .orElseThrow()
                        .split(", *"))
                .containsExactlyInAnyOrder("GET", "HEAD");
    }

    /**
     * The legacy {@code r0} prefix serves what existed in r0, across services, as Synapse still does for older bots
     * and bridges (issue #15 item 19); endpoints added since (v1.1+, {@code /v1/}) are not aliased.
     */
    @Test
    @Order(5)
    void legacyR0PrefixServesTheR0Endpoints() throws Exception {
        String r0 = "/_matrix/client/r0";
        JsonObject challenge = call("POST", r0 + "/register", null, "{}", 401);
        String session = challenge.getString("session").orElseThrow();
        call("POST", r0 + "/register", null, """
                {"username": "legacy", "password": "legacy password",
                 "auth": {"type": "m.login.dummy", "session": "%s"}}""".formatted(session), 200);
        String token = call("POST", r0 + "/login", null, """
                        {"type": "m.login.password", "user": "legacy", "password": "legacy password"}""", 200)
                .getString("access_token")
                .orElseThrow();
        String roomId = call("POST", r0 + "/createRoom", token, "{}", 200)
                .getString("room_id")
                .orElseThrow();
        String room = r0 + "/rooms/" + URLEncoder.encode(roomId, StandardCharsets.UTF_8);
        assertThat(call("PUT", room + "/send/m.room.message/r0-1", token, """
                        {"msgtype": "m.text", "body": "from an r0 client"}""", 200)
                        .getString("event_id"))
                .isPresent();
        assertThat(call("GET", r0 + "/sync?timeout=0", token, null, 200).getString("next_batch"))
                .isPresent();
        assertThat(call("GET", r0 + "/account/whoami", token, null, 200).getString("user_id"))
                .contains("@legacy:localhost");
        // a method r0 did not serve at a path it did is 405, as on v3
        assertUnrecognized(http, lattice.clientUri(r0 + "/createRoom"), "GET", 405);
        // added after r0: not under r0
        assertUnrecognized(http, lattice.clientUri(r0 + "/refresh"), "POST", 404);
        assertUnrecognized(http, lattice.clientUri(r0 + "/register/m.login.registration_token/validity"), "GET", 404);
        assertUnrecognized(http, lattice.clientUri(r0 + "/no_such_endpoint"), "GET", 404);
    }

    @Test
    void syncReportsTheDevicesKeySupplyFromTheKeyserver() throws Exception {
        JsonObject challenge = call("POST", "/_matrix/client/v3/register", null, "{}", 401);
        String token = call(
                        "POST",
                        "/_matrix/client/v3/register",
                        null,
                        """
                        {"username": "keys", "password": "keys password",
                         "auth": {"type": "m.login.dummy", "session": "%s"}}""".formatted(challenge.getString("session").orElseThrow()),
                        200)
                .getString("access_token")
                .orElseThrow();
        JsonObject before = call("GET", "/_matrix/client/v3/sync?timeout=0", token, null, 200);
        assertThat(before.getObject("device_one_time_keys_count").orElseThrow().getInteger("signed_curve25519"))
                .contains(0L);
        assertThat(before.getArray("device_unused_fallback_key_types")
                        .orElseThrow()
                        .values())
                .isEmpty();
        call("POST", "/_matrix/client/v3/keys/upload", token, """
                {"one_time_keys": {"curve25519:AAAAAQ": "zKbLg+NrIjpnagy+pIY6uPL4ZwEG2v+8F9lmgsnlZzs"},
                 "fallback_keys": {"curve25519:AAAAAg": "tmlPrk/Xpr9Gt5kHjJXZTLaxBo6+aV+a+MgT7PgALxs"}}""", 200);
        JsonObject after = call("GET", "/_matrix/client/v3/sync?timeout=0", token, null, 200);
        assertThat(after.getObject("device_one_time_keys_count").orElseThrow().getInteger("curve25519"))
                .contains(1L);
        assertThat(after.getArray("device_unused_fallback_key_types")
                        .orElseThrow()
                        .values())
                .extracting(v -> ((dev.lattice.protocol.json.JsonString) v).value())
                .containsExactly("curve25519");
    }

    /** {@code method} on the client listener with a JSON body (or none); asserts the status, returns the body. */
    private static JsonObject call(String method, String path, String token, String body, int status) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(lattice.clientUri(path))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.statusCode())
                .as(method + " " + path + ": " + new String(response.body(), StandardCharsets.UTF_8))
                .isEqualTo(status);
        return CanonicalJson.parseObject(response.body());
    }

    @Test
    @Order(6)
    void healthAndPrometheusMetrics() throws Exception {
        JsonObject health = getJson(lattice.clientUri("/_lattice/health"), 200);
        assertThat(health.getObject("checks").orElseThrow().members())
                .containsEntry("postgres", dev.lattice.protocol.json.JsonString.of("up"))
                .containsEntry("kafka", dev.lattice.protocol.json.JsonString.of("up"));
        HttpResponse<String> metrics = http.send(
                HttpRequest.newBuilder(lattice.metricsUri("/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("jvm_memory_used_bytes").contains("application=\"lattice\"");
    }

    @Test
    @Order(7)
    void registerUserCreatesAnAccountThatCanLogIn() throws Exception {
        String url = "http://127.0.0.1:" + lattice.clientPort;
        Command made = command(
                Map.of("LATTICE_CLIENTAPI_REGISTRATION_SHAREDSECRET", LatticeProcess.SHARED_SECRET),
                "register-user",
                "--user",
                "operator",
                "--password",
                "s3cret-enough",
                "--admin",
                "--url",
                url);
        assertThat(made.exitCode()).as(made.output()).isZero();
        assertThat(made.output()).contains("registered @operator:localhost");

        HttpResponse<byte[]> login = http.send(
                HttpRequest.newBuilder(lattice.clientUri("/_matrix/client/v3/login"))
                        .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"m.login.password\",\"identifier\":"
                                + "{\"type\":\"m.id.user\",\"user\":\"operator\"},\"password\":\"s3cret-enough\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(login.statusCode()).isEqualTo(200);
        assertThat(CanonicalJson.parseObject(login.body()).getString("user_id")).contains("@operator:localhost");

        Command wrongSecret = command(
                Map.of("LATTICE_CLIENTAPI_REGISTRATION_SHAREDSECRET", "not-the-secret"),
                "register-user",
                "--user",
                "intruder",
                "--password",
                "whatever-1",
                "--url",
                url);
        assertThat(wrongSecret.exitCode()).isEqualTo(2);
        assertThat(wrongSecret.output()).contains("lattice: the server refused: 403");

        // The administrator purges the remote media cache from the command line; anyone else is refused.
        String adminToken = CanonicalJson.parseObject(login.body())
                .getString("access_token")
                .orElseThrow();
        Command purged = command(Map.of(), "purge-media-cache", "--days", "0", "--token", adminToken, "--url", url);
        assertThat(purged.exitCode()).as(purged.output()).isZero();
        assertThat(purged.output()).contains("deleted 0 cached media");
        Command notAdmin = command(Map.of(), "purge-media-cache", "--days", "0", "--token", "nonsense", "--url", url);
        assertThat(notAdmin.exitCode()).isEqualTo(2);
        assertThat(notAdmin.output()).contains("lattice: the server refused: 401");
        assertThat(command(Map.of(), "purge-media-cache", "--days", "soon", "--token", "t")
                        .output())
                .contains("--days must be a whole number");
    }

    record Command(int exitCode, String output) {}

    private static Command command(Map<String, String> env, String... args) throws Exception {
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                LatticeProcess.JAR.toAbsolutePath().toString()));
        command.addAll(java.util.List.of(args));
        ProcessBuilder builder =
                new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true);
        builder.environment().putAll(env);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        return new Command(process.waitFor(), output);
    }

    @Test
    @Order(8)
    void restartsKeepTheSigningKeyEvenAfterSigkill() throws Exception {
        String keyBefore =
                verifyKeyOf(getJson(federationClient(), lattice.federationUri("/_matrix/key/v2/server"), 200));
        assertThat(lattice.stop()).as("clean shutdown exit code").isIn(0, 130, 143);

        Duration warm = lattice.start();
        System.out.println("all-in-one warm start to first 200: " + warm.toMillis() + " ms");
        assertThat(verifyKeyOf(getJson(federationClient(), lattice.federationUri("/_matrix/key/v2/server"), 200)))
                .isEqualTo(keyBefore);

        lattice.kill();
        Duration afterKill = lattice.start();
        System.out.println("all-in-one start after SIGKILL to first 200: " + afterKill.toMillis() + " ms");
        assertThat(verifyKeyOf(getJson(federationClient(), lattice.federationUri("/_matrix/key/v2/server"), 200)))
                .isEqualTo(keyBefore);
        assertThat(getJson(lattice.clientUri("/_lattice/health"), 200).getString("status"))
                .contains("up");
    }

    private static SignatureCheck selfVerifies(JsonObject keys) {
        Map.Entry<String, dev.lattice.protocol.json.CanonicalJsonValue> key = keys.getObject("verify_keys")
                .orElseThrow()
                .members()
                .entrySet()
                .iterator()
                .next();
        String base64 = ((JsonObject) key.getValue()).getString("key").orElseThrow();
        VerifyKey verifyKey = VerifyKey.fromBase64(KeyId.parse(key.getKey()), base64, VerifyKey.NO_EXPIRY);
        return JsonSigning.verify(keys, "localhost", verifyKey);
    }

    private static String verifyKeyOf(JsonObject keys) {
        return keys.getObject("verify_keys").orElseThrow().toString();
    }

    private static JsonObject getJson(URI uri, int status) throws Exception {
        return getJson(http, uri, status);
    }

    private static JsonObject getJson(HttpClient client, URI uri, int status) throws Exception {
        HttpResponse<byte[]> response =
                client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.statusCode()).as(uri.toString()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
        return CanonicalJson.parseObject(response.body());
    }

    /** {@code method} on {@code uri} without a body. */
    private static HttpResponse<byte[]> bare(HttpClient client, URI uri, String method) throws Exception {
        return client.send(
                HttpRequest.newBuilder(uri)
                        .method(method, HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private static void assertUnrecognized(HttpClient client, URI uri, String method, int status) throws Exception {
        HttpResponse<byte[]> response = bare(client, uri, method);
        assertThat(response.statusCode()).as(method + " " + uri).isEqualTo(status);
        assertThat(CanonicalJson.parseObject(response.body()).getString("errcode"))
                .contains("M_UNRECOGNIZED");
    }

    /** Trusts exactly the certificate the server generated in its data directory. */
    private static HttpClient federationClient() throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream pem = Files.newInputStream(directory.resolve("data/tls/federation.crt"))) {
            trust.setCertificateEntry(
                    "lattice", CertificateFactory.getInstance("X.509").generateCertificate(pem));
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, factory.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(tls).build();
    }
}
