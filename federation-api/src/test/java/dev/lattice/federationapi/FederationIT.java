package dev.lattice.federationapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.lattice.federationapi.TestFederation.Node;
import dev.lattice.federationapi.internal.FederationClient;
import dev.lattice.federationapi.internal.FederationRequestException;
import dev.lattice.federationapi.internal.KeyRing;
import dev.lattice.federationapi.internal.KeyRingKey;
import dev.lattice.federationapi.internal.OriginLimiter;
import dev.lattice.federationapi.internal.ServerKeys;
import dev.lattice.protocol.crypto.JsonSigning;
import dev.lattice.protocol.crypto.SignatureCheck;
import dev.lattice.protocol.crypto.SigningKey;
import dev.lattice.protocol.federation.FederationRequest;
import dev.lattice.protocol.federation.ServerKeyResponse;
import dev.lattice.protocol.id.ServerName;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import reactor.core.publisher.Sinks;

/**
 * Two federation-api processes, A and B, and a stand-in homeserver T, on loopback over real TLS. A trusts only B's
 * certificate and has B as its notary; B trusts A's and T's. Both serve {@link TestRoutes} behind the X-Matrix
 * check.
 */
class FederationIT {
    private static final long DAY = Duration.ofDays(1).toMillis();

    @TempDir
    static Path dirA;

    @TempDir
    static Path dirB;

    @TempDir
    static Path dirT;

    private static Node a;
    private static Node b;
    private static TestKeyServer t;
    private static ConfigurableApplicationContext contextA;
    private static ConfigurableApplicationContext contextB;
    private static HttpClient clientA;
    private static HttpClient clientB;

    @BeforeAll
    static void start() {
        // T claims its keys for 30 days; no one may believe more than 7.
        t = new TestKeyServer(dirT, System.currentTimeMillis() + 30 * DAY);
        a = Node.prepare(dirA);
        b = Node.prepare(dirB);
        Map<String, Object> propertiesB =
                new HashMap<>(TestFederation.trusting(List.of(a.certificate(), t.certificate)));
        propertiesB.put("lattice.federationapi.inbound-concurrent-per-origin", 2);
        propertiesB.put("lattice.federationapi.inbound-queued-per-origin", 3);
        contextB = TestFederation.start(b, propertiesB, TestRoutes.class);
        Map<String, Object> propertiesA = new HashMap<>(TestFederation.trusting(List.of(b.certificate())));
        propertiesA.put("lattice.federationapi.notaries[0].server-name", b.serverName());
        contextA = TestFederation.start(a, propertiesA, TestRoutes.class);
        clientA = TestFederation.client(a.certificate());
        clientB = TestFederation.client(b.certificate());
    }

    @AfterAll
    static void stop() {
        if (contextA != null) {
            contextA.close();
        }
        if (contextB != null) {
            contextB.close();
        }
        if (t != null) {
            t.close();
        }
    }

    @Test
    void aNotaryAnswersItsOwnKeysForItsOwnName() {
        JsonObject own = CanonicalJson.parseObject(
                TestFederation.get(clientA, a, "/_matrix/key/v2/server").body());
        List<JsonObject> relayed =
                serverKeys(TestFederation.get(clientA, a, "/_matrix/key/v2/query/" + a.serverName()));
        assertThat(relayed).hasSize(1);
        assertThat(relayed.getFirst().getString("server_name")).contains(a.serverName());
        assertThat(relayed.getFirst().getObject("verify_keys")).isEqualTo(own.getObject("verify_keys"));
    }

    @Test
    void fetchesAServerDirectlyAndCoSignsWhatItRelays() {
        JsonObject ownB = CanonicalJson.parseObject(
                TestFederation.get(clientB, b, "/_matrix/key/v2/server").body());
        ServerKeyResponse keysB =
                ServerKeyResponse.verify(ownB, ServerName.parse(b.serverName()), System.currentTimeMillis());
        ServerKeyResponse keysA = ServerKeyResponse.verify(
                CanonicalJson.parseObject(
                        TestFederation.get(clientA, a, "/_matrix/key/v2/server").body()),
                ServerName.parse(a.serverName()),
                System.currentTimeMillis());

        List<JsonObject> relayed =
                serverKeys(TestFederation.get(clientA, a, "/_matrix/key/v2/query/" + b.serverName()));

        assertThat(relayed).hasSize(1);
        JsonObject response = relayed.getFirst();
        assertThat(response.getObject("verify_keys")).isEqualTo(ownB.getObject("verify_keys"));
        assertThat(signatureBy(response, b.serverName(), keysB)).isEqualTo(SignatureCheck.VALID);
        assertThat(signatureBy(response, a.serverName(), keysA)).isEqualTo(SignatureCheck.VALID);
    }

    @Test
    void fallsBackToTheNotaryWhenTheServerCannotBeTrustedAndServesFromCacheWhenItIsGone() {
        ServerName server = ServerName.parse(t.serverName());
        // A does not trust T's certificate, so its direct fetch fails; B, its notary, trusts T.
        List<JsonObject> relayed = serverKeys(TestFederation.post(
                clientA, a, "/_matrix/key/v2/query", "{\"server_keys\": {\"" + t.serverName() + "\": {}}}"));
        assertThat(relayed).hasSize(1);
        JsonObject response = relayed.getFirst();
        assertThat(JsonSigning.verify(response, t.serverName(), t.key.verifyKey()))
                .isEqualTo(SignatureCheck.VALID);
        assertThat(JsonSigning.signaturesOf(response, b.serverName())).isNotEmpty();
        assertThat(JsonSigning.signaturesOf(response, a.serverName())).isNotEmpty();

        // A cached T's keys: the current one capped at 7 days, the old one with its expired_ts.
        KeyRing keyRingA = contextA.getBean(KeyRing.class);
        KeyRingKey current =
                keyRingA.verifyKey(server, t.key.keyId(), 0).block().orElseThrow();
        assertThat(current.retired()).isFalse();
        assertThat(current.key().publicKeyBase64()).isEqualTo(t.key.verifyKey().publicKeyBase64());
        assertThat(current.key().validUntilTs()).isLessThanOrEqualTo(System.currentTimeMillis() + 7 * DAY);
        KeyRingKey old = keyRingA.verifyKey(server, t.oldKey.keyId(), 0).block().orElseThrow();
        assertThat(old.retired()).isTrue();
        assertThat(old.key().validUntilTs()).isEqualTo(t.oldExpiredTs);

        // T goes offline. Asked for keys valid beyond what it has, B tries T again, fails, and relays its cache.
        t.close();
        List<JsonObject> cached = serverKeys(TestFederation.get(
                clientB,
                b,
                "/_matrix/key/v2/query/" + t.serverName() + "?minimum_valid_until_ts=" + (t.validUntilTs + DAY)));
        assertThat(cached).hasSize(1);
        assertThat(cached.getFirst().getObject("verify_keys")).isEqualTo(response.getObject("verify_keys"));
    }

    @Test
    void aServerNoOneCanReachHasNoKeys() {
        String nowhere = "localhost:" + TestFederation.freePort();
        assertThat(serverKeys(TestFederation.get(clientB, b, "/_matrix/key/v2/query/" + nowhere)))
                .isEmpty();
        assertThat(serverKeys(TestFederation.post(clientB, b, "/_matrix/key/v2/query", "{\"server_keys\": {}}")))
                .isEmpty();
    }

    @Test
    void badQueriesAreRefused() {
        assertError(TestFederation.post(clientB, b, "/_matrix/key/v2/query", "nope"), 400, "M_NOT_JSON");
        assertError(TestFederation.post(clientB, b, "/_matrix/key/v2/query", "{}"), 400, "M_BAD_JSON");
        assertError(
                TestFederation.post(clientB, b, "/_matrix/key/v2/query", "{\"server_keys\": {\"a.example\": 1}}"),
                400,
                "M_BAD_JSON");
        assertError(
                TestFederation.post(
                        clientB,
                        b,
                        "/_matrix/key/v2/query",
                        "{\"server_keys\": {\"a.example\": {\"ed25519:x\": {\"minimum_valid_until_ts\": \"x\"}}}}"),
                400,
                "M_BAD_JSON");
        assertError(TestFederation.get(clientB, b, "/_matrix/key/v2/query/bad%20name"), 400, "M_INVALID_PARAM");
        assertError(
                TestFederation.get(clientB, b, "/_matrix/key/v2/query/a.example?minimum_valid_until_ts=soon"),
                400,
                "M_INVALID_PARAM");
    }

    @Test
    void aSignedRequestReachesTheHandlerWithItsOrigin() {
        FederationClient client = contextA.getBean(FederationClient.class);
        ServerName serverB = ServerName.parse(b.serverName());
        // B fetches A's key on demand to check the signature.
        assertThat(client.get(serverB, "/_matrix/federation/v1/test/whoami?x=%20y")
                        .block()
                        .getString("origin"))
                .contains(a.serverName());
        JsonObject body = CanonicalJson.parseObject("{\"pdus\": [], \"n\": 1}");
        JsonObject echoed =
                client.post(serverB, "/_matrix/federation/v1/test/echo", body).block();
        assertThat(echoed.getString("origin")).contains(a.serverName());
        assertThat(CanonicalJson.parseObject(echoed.getString("body").orElseThrow()))
                .isEqualTo(body);
    }

    @Test
    void oneServerHasItsShareOfInboundWorkAndBeyondItsQueueIsToldToWait() {
        FederationClient client = contextA.getBean(FederationClient.class);
        ServerName serverB = ServerName.parse(b.serverName());
        TestRoutes.held.set(Sinks.empty());
        // B handles two of A's requests at once and lets three wait: the sixth is refused.
        List<CompletableFuture<JsonObject>> held = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            held.add(client.get(serverB, "/_matrix/federation/v1/test/hold").toFuture());
        }
        OriginLimiter limiter = contextB.getBean(OriginLimiter.class);
        ServerName serverA = ServerName.parse(a.serverName());
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (limiter.inFlight(serverA) < 5 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(TestRoutes.holding.get()).as("handled at once").isEqualTo(2);
        FederationRequestException refused = catchThrowableOfType(
                FederationRequestException.class,
                () -> client.get(serverB, "/_matrix/federation/v1/test/whoami").block());
        assertThat(refused.status()).hasValue(429);
        assertThat(refused.errcode()).contains("M_LIMIT_EXCEEDED");

        TestRoutes.held.get().tryEmitEmpty();
        for (CompletableFuture<JsonObject> request : held) {
            assertThat(request.join().getBool("held")).contains(true);
        }
        assertThat(TestRoutes.holding.get()).isEqualTo(5);
    }

    @Test
    void unauthenticatedRequestsAreRefusedBeforeAnythingRuns() {
        String echo = "/_matrix/federation/v1/test/echo";
        String body = "{\"n\": 1}";
        ServerName serverA = ServerName.parse(a.serverName());
        ServerName serverB = ServerName.parse(b.serverName());
        SigningKey impostor = SigningKey.generate(
                contextA.getBean(ServerKeys.class).signingKey().keyId().version());
        int before = TestRoutes.echoes.get();

        assertError(TestFederation.post(clientB, b, echo, body), 401, "M_UNAUTHORIZED");
        assertError(postWith(echo, body, "Bearer abc"), 401, "M_UNAUTHORIZED");
        assertError(postWith(echo, body, "X-Matrix origin=\"" + a.serverName() + "\""), 401, "M_UNAUTHORIZED");
        // Validly signed by A's key ID but with another key.
        String forged = new FederationRequest("POST", echo, serverA, serverB, Optional.of(CanonicalJson.parse(body)))
                .sign(impostor)
                .toHeaderValue();
        assertError(postWith(echo, body, forged), 401, "M_UNAUTHORIZED");
        // Addressed to another server.
        String elsewhere = new FederationRequest(
                        "POST",
                        echo,
                        serverA,
                        ServerName.parse("elsewhere.example"),
                        Optional.of(CanonicalJson.parse(body)))
                .sign(contextA.getBean(ServerKeys.class).signingKey())
                .toHeaderValue();
        assertError(postWith(echo, body, elsewhere), 401, "M_UNAUTHORIZED");
        // Signed for another body.
        String otherBody = new FederationRequest(
                        "POST", echo, serverA, serverB, Optional.of(CanonicalJson.parse("{\"n\": 2}")))
                .sign(contextA.getBean(ServerKeys.class).signingKey())
                .toHeaderValue();
        assertError(postWith(echo, body, otherBody), 401, "M_UNAUTHORIZED");
        assertThat(TestRoutes.echoes.get()).isEqualTo(before);

        // Unknown federation paths stay 404 without credentials; the version needs none.
        assertError(TestFederation.get(clientB, b, "/_matrix/federation/v1/nothing"), 404, "M_UNRECOGNIZED");
        HttpResponse<String> version = TestFederation.get(clientB, b, "/_matrix/federation/v1/version");
        assertThat(version.statusCode()).isEqualTo(200);
        JsonObject server =
                CanonicalJson.parseObject(version.body()).getObject("server").orElseThrow();
        assertThat(server.getString("name")).contains("Lattice");
        assertThat(server.getString("version"))
                .hasValueSatisfying(v -> assertThat(v).isNotBlank());
    }

    private static HttpResponse<String> postWith(String path, String body, String authorization) {
        return TestFederation.send(
                clientB,
                HttpRequest.newBuilder(URI.create("https://localhost:" + b.port() + path))
                        .header("Content-Type", "application/json")
                        .header("Authorization", authorization)
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build());
    }

    private static SignatureCheck signatureBy(JsonObject response, String server, ServerKeyResponse keys) {
        return JsonSigning.verify(
                response, server, keys.verifyKeys().values().iterator().next());
    }

    private static List<JsonObject> serverKeys(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return CanonicalJson.parseObject(response.body()).getArray("server_keys").orElseThrow().values().stream()
                .map(value -> (JsonObject) value)
                .toList();
    }

    private static void assertError(HttpResponse<String> response, int status, String errcode) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(CanonicalJson.parseObject(response.body()).getString("errcode"))
                .contains(errcode);
    }
}
