package dev.lattice.federationapi;

import dev.lattice.runtime.LatticeApplication;
import dev.lattice.runtime.tls.FederationCertificate;
import dev.lattice.testing.TestInfra;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Federation-api processes for integration tests: each on its own loopback port with its own certificate (made
 * before start, so peers can be told to trust it) and the server name {@code localhost:<port>}, so that resolving the
 * name leads to the listener. They share the test database (the test user may not create databases): each
 * remembers the keys the other fetched, which tests must allow for.
 */
final class TestFederation {
    private TestFederation() {}

    /** A data directory with a certificate for {@code localhost}, and a free port for the listener. */
    record Node(Path dataDir, int port) {
        String serverName() {
            return "localhost:" + port;
        }

        Path certificate() {
            return dataDir.resolve("tls").resolve("federation.crt");
        }

        static Node prepare(Path dataDir) {
            FederationCertificate.selfSigned(dataDir.resolve("tls"), "localhost");
            return new Node(dataDir, freePort());
        }
    }

    /** Starts a federation-api process for {@code node} with extra properties (trusted CAs, notaries). */
    static ConfigurableApplicationContext start(Node node, Map<String, Object> extra, Class<?>... sources) {
        Map<String, Object> properties = new HashMap<>(LatticeApplication.defaults());
        properties.putAll(TestInfra.latticeProperties());
        properties.putAll(Map.of(
                "spring.application.name",
                "federation-api-" + node.port(),
                "lattice.server-name",
                node.serverName(),
                "lattice.client.port",
                0,
                "lattice.client.bind-address",
                "127.0.0.1",
                "lattice.metrics.port",
                0,
                "lattice.federation.port",
                node.port(),
                "lattice.federation.bind-address",
                "127.0.0.1",
                "lattice.data-dir",
                node.dataDir().toString()));
        // Everything here is on loopback, which outbound federation refuses by default.
        properties.put("lattice.federationapi.ip-range-blocklist", "");
        properties.putAll(extra);
        return new SpringApplicationBuilder(FederationApiApplication.class)
                .sources(sources)
                .properties(properties)
                .run();
    }

    /** Properties trusting {@code certificates} for outbound federation. */
    static Map<String, Object> trusting(List<Path> certificates) {
        Map<String, Object> out = new HashMap<>();
        for (int i = 0; i < certificates.size(); i++) {
            out.put(
                    "lattice.federationapi.trusted-ca-certificates[" + i + "]",
                    certificates.get(i).toString());
        }
        return out;
    }

    /** An HTTPS client for the test itself, trusting {@code certificate}. */
    static HttpClient client(Path certificate) {
        try (InputStream in = Files.newInputStream(certificate)) {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            store.setCertificateEntry(
                    "node", CertificateFactory.getInstance("X.509").generateCertificate(in));
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(null, trust.getTrustManagers(), null);
            return HttpClient.newBuilder().sslContext(tls).build();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static HttpResponse<String> get(HttpClient client, Node node, String path) {
        return send(client, HttpRequest.newBuilder(uri(node, path)).GET().build());
    }

    static HttpResponse<String> post(HttpClient client, Node node, String path, String body) {
        return send(
                client,
                HttpRequest.newBuilder(uri(node, path))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build());
    }

    private static URI uri(Node node, String path) {
        return URI.create("https://localhost:" + node.port() + path);
    }

    static HttpResponse<String> send(HttpClient client, HttpRequest request) {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
