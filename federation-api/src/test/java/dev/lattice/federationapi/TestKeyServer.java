package dev.lattice.federationapi;

import dev.lattice.protocol.crypto.JsonSigning;
import dev.lattice.protocol.crypto.SigningKey;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.runtime.tls.FederationCertificate;
import java.nio.file.Path;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.Http11SslContextSpec;
import reactor.netty.http.server.HttpServer;

/**
 * A stand-in remote homeserver: HTTPS on a loopback port with a throwaway certificate for {@code localhost},
 * serving only {@code GET /_matrix/key/v2/server} with a key document it signs itself.
 */
final class TestKeyServer implements AutoCloseable {
    final SigningKey key = SigningKey.generate("test");
    final SigningKey oldKey = SigningKey.generate("old");
    final long validUntilTs;
    final long oldExpiredTs = 1_532_645_052_628L;
    final Path certificate;
    private final DisposableServer server;

    TestKeyServer(Path dataDir, long validUntilTs) {
        this.validUntilTs = validUntilTs;
        FederationCertificate tls = FederationCertificate.selfSigned(dataDir.resolve("tls"), "localhost");
        this.certificate = tls.certificateChain();
        this.server = HttpServer.create()
                .host("127.0.0.1")
                .port(0)
                .secure(spec -> spec.sslContext(Http11SslContextSpec.forServer(
                        tls.certificateChain().toFile(), tls.privateKey().toFile())))
                .route(routes -> routes.get(
                        "/_matrix/key/v2/server",
                        (request, response) -> response.header("Content-Type", "application/json")
                                .sendString(Mono.fromSupplier(() -> CanonicalJson.encodeToString(document())))))
                .bindNow();
    }

    String serverName() {
        return "localhost:" + server.port();
    }

    JsonObject document() {
        JsonObject document = CanonicalJson.parseObject("""
                {"server_name": "%s", "valid_until_ts": %d,
                 "verify_keys": {"%s": {"key": "%s"}},
                 "old_verify_keys": {"%s": {"key": "%s", "expired_ts": %d}}}""".formatted(
                        serverName(),
                        validUntilTs,
                        key.keyId(),
                        key.verifyKey().publicKeyBase64(),
                        oldKey.keyId(),
                        oldKey.verifyKey().publicKeyBase64(),
                        oldExpiredTs));
        return JsonSigning.sign(document, serverName(), key);
    }

    @Override
    public void close() {
        server.disposeNow();
    }
}
