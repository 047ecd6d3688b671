package dev.lattice.federationapi;

import dev.lattice.protocol.crypto.JsonSigning;
import dev.lattice.protocol.crypto.SigningKey;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.runtime.tls.FederationCertificate;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.Http11SslContextSpec;
import reactor.netty.http.server.HttpServer;

/**
 * A stand-in remote homeserver: HTTPS on a loopback port with a throwaway certificate, serving
 * {@code GET /_matrix/key/v2/server} with a key document it signs itself, and a settable
 * {@code /.well-known/matrix/server}.
 */
final class TestKeyServer implements AutoCloseable {
    final SigningKey key = SigningKey.generate("test");
    final SigningKey oldKey = SigningKey.generate("old");
    final long validUntilTs;
    final long oldExpiredTs = 1_532_645_052_628L;
    final Path certificate;
    /** What {@code /.well-known/matrix/server} answers, with its Cache-Control header; and how often it was asked. */
    volatile String wellKnown = "{}";

    volatile String wellKnownCacheControl = "max-age=3600";
    final AtomicInteger wellKnownRequests = new AtomicInteger();
    private final String serverName;
    private final DisposableServer server;

    /** A server named {@code localhost:<port>} with a certificate for {@code localhost}. */
    TestKeyServer(Path dataDir, long validUntilTs) {
        this(dataDir, validUntilTs, "localhost", null);
    }

    /**
     * @param certificateHost the DNS name the certificate is for
     * @param serverName the name the key document gives, or null for {@code localhost:<port>}
     */
    TestKeyServer(Path dataDir, long validUntilTs, String certificateHost, String serverName) {
        this.validUntilTs = validUntilTs;
        this.serverName = serverName;
        FederationCertificate tls = FederationCertificate.selfSigned(dataDir.resolve("tls"), certificateHost);
        this.certificate = tls.certificateChain();
        this.server = HttpServer.create()
                .host("127.0.0.1")
                .port(0)
                .secure(spec -> spec.sslContext(Http11SslContextSpec.forServer(
                        tls.certificateChain().toFile(), tls.privateKey().toFile())))
                .handle((request, response) -> {
                    if (request.uri().equals("/_matrix/key/v2/server")) {
                        return response.header("Content-Type", "application/json")
                                .sendString(Mono.fromSupplier(() -> CanonicalJson.encodeToString(document())));
                    }
                    if (request.uri().equals("/.well-known/matrix/server")) {
                        wellKnownRequests.incrementAndGet();
                        return response.header("Content-Type", "application/json")
                                .header("Cache-Control", wellKnownCacheControl)
                                .sendString(Mono.just(wellKnown));
                    }
                    return response.sendNotFound();
                })
                .bindNow();
    }

    String serverName() {
        return serverName != null ? serverName : "localhost:" + server.port();
    }

    int port() {
        return server.port();
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
