package dev.lattice.federationapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lattice.federationapi.internal.DnsLookups;
import dev.lattice.federationapi.internal.FederationClient;
import dev.lattice.federationapi.internal.FederationRequestException;
import dev.lattice.federationapi.internal.FederationTls;
import dev.lattice.federationapi.internal.HttpsExchange;
import dev.lattice.federationapi.internal.MatrixServerResolver;
import dev.lattice.federationapi.internal.ResolvedServer;
import dev.lattice.federationapi.internal.ServerDiscovery.SrvTarget;
import dev.lattice.protocol.crypto.SigningKey;
import dev.lattice.protocol.id.ServerName;
import dev.lattice.runtime.net.IpRange;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Server discovery against a real DNS server on loopback ({@link TestDnsServer}) and real HTTPS servers: one serving
 * {@code .well-known} as {@code wk.test}, one serving keys as {@code srv.test}. Both certificates are trusted.
 */
class MatrixServerResolverIT {
    @TempDir
    static Path wellKnownDir;

    @TempDir
    static Path keysDir;

    @TempDir
    static Path multiDir;

    private static TestDnsServer dns;
    private static TestKeyServer wellKnownServer;
    private static TestKeyServer keyServer;
    private static TestKeyServer multiServer;
    private static final TestClock clock = new TestClock(Instant.parse("2026-12-04T12:00:00Z"));
    private static DnsLookups lookups;
    private static HttpsExchange https;
    private static MatrixServerResolver resolver;

    @BeforeAll
    static void start() {
        long validUntil = System.currentTimeMillis() + Duration.ofDays(1).toMillis();
        wellKnownServer = new TestKeyServer(wellKnownDir, validUntil, "wk.test", "wk.test");
        keyServer = new TestKeyServer(keysDir, validUntil, "srv.test", "srv.test");
        multiServer = new TestKeyServer(multiDir, validUntil, "multi.test", "multi.test");
        int keys = keyServer.port();
        dns = new TestDnsServer()
                .a("wk.test", "127.0.0.1")
                // Nothing listens on 127.0.0.2: connecting falls through to the next address.
                .a("target.test", "127.0.0.2")
                .a("target.test", "127.0.0.1")
                .a("plain.test", "127.0.0.1")
                .srv("_matrix-fed._tcp.srv.test", 10, 0, keys, "target.test")
                .srv("_matrix._tcp.srv.test", 10, 0, 1, "never.test")
                .srv("_matrix._tcp.legacy.test", 10, 0, keys, "target.test")
                .srv("_matrix-fed._tcp.wrong.test", 10, 0, keys, "target.test")
                // multi.test's first target refuses connections (127.0.0.2), its second has no address, its third
                // serves.
                .a("down.test", "127.0.0.2")
                .srv("_matrix-fed._tcp.multi.test", 10, 0, multiServer.port(), "down.test")
                .srv("_matrix-fed._tcp.multi.test", 20, 0, multiServer.port(), "nowhere.test")
                .srv("_matrix-fed._tcp.multi.test", 30, 0, multiServer.port(), "plain.test");
        lookups = DnsLookups.server(dns.address());
        https = new HttpsExchange(
                lookups,
                FederationTls.clientContext(
                        List.of(wellKnownServer.certificate, keyServer.certificate, multiServer.certificate)),
                Duration.ofSeconds(10),
                List.of());
        resolver = new MatrixServerResolver(lookups, https, wellKnownServer.port(), clock);
    }

    @AfterAll
    static void stop() {
        if (dns != null) {
            dns.close();
        }
        if (wellKnownServer != null) {
            wellKnownServer.close();
        }
        if (keyServer != null) {
            keyServer.close();
        }
        if (multiServer != null) {
            multiServer.close();
        }
    }

    private static ResolvedServer resolve(String name) {
        return resolver.resolve(ServerName.parse(name)).block();
    }

    @Test
    void usesTheMatrixFedSrvRecordFirst() {
        assertThat(resolve("srv.test"))
                .isEqualTo(new ResolvedServer("target.test", keyServer.port(), "srv.test", "srv.test"));
    }

    @Test
    void fallsBackToTheDeprecatedSrvRecord() {
        assertThat(resolve("legacy.test"))
                .isEqualTo(new ResolvedServer("target.test", keyServer.port(), "legacy.test", "legacy.test"));
    }

    @Test
    void withoutWellKnownOrSrvConnectsToPort8448() {
        // plain.test's .well-known lookup reaches a server whose certificate is for wk.test: refused, so skipped.
        assertThat(resolve("plain.test")).isEqualTo(new ResolvedServer("plain.test", 8448, "plain.test", "plain.test"));
    }

    @Test
    void followsWellKnownDelegationAndCachesItForItsMaxAge() {
        wellKnownServer.wellKnown = "{\"m.server\": \"srv.test\"}";
        wellKnownServer.wellKnownCacheControl = "max-age=3600";
        int before = wellKnownServer.wellKnownRequests.get();
        assertThat(resolve("wk.test"))
                .isEqualTo(new ResolvedServer("target.test", keyServer.port(), "srv.test", "srv.test"));
        assertThat(resolve("wk.test").hostHeader()).isEqualTo("srv.test");
        assertThat(wellKnownServer.wellKnownRequests.get()).isEqualTo(before + 1);

        // An hour later the answer has expired; the new one delegates to an explicit port.
        wellKnownServer.wellKnown = "{\"m.server\": \"delegated.test:1234\"}";
        clock.advance(Duration.ofMinutes(61));
        assertThat(resolve("wk.test"))
                .isEqualTo(new ResolvedServer("delegated.test", 1234, "delegated.test:1234", "delegated.test"));
        assertThat(wellKnownServer.wellKnownRequests.get()).isEqualTo(before + 2);

        // An answer over 50 KiB is not read to its end, and resolution carries on without it.
        wellKnownServer.wellKnown = "{\"m.server\": \"srv.test\", \"pad\": \"" + "x".repeat(200_000) + "\"}";
        clock.advance(Duration.ofMinutes(61));
        assertThat(resolve("wk.test")).isEqualTo(new ResolvedServer("wk.test", 8448, "wk.test", "wk.test"));
        assertThat(wellKnownServer.wellKnownRequests.get()).isEqualTo(before + 3);
    }

    @Test
    void resolvesAddressesThroughTheConfiguredServer() throws Exception {
        assertThat(lookups.addresses("target.test").block())
                .containsExactly(InetAddress.getByName("127.0.0.2"), InetAddress.getByName("127.0.0.1"));
        assertThat(lookups.srv("_matrix-fed._tcp.nothing.test").block()).isEmpty();
    }

    @Test
    void theCertificateMustBeValidForTheServerNameNotTheSrvTarget() {
        // srv.test's SRV target has two addresses, the first refusing connections.
        assertThat(keyDocumentServerName("srv.test")).contains("srv.test");
        // Same address and port, but the name the certificate must match is wrong.test.
        assertThatThrownBy(() -> keyDocumentServerName("wrong.test")).isInstanceOf(FederationRequestException.class);
    }

    @Test
    void whenASrvTargetRefusesOrDoesNotResolveTheNextOneIsTried() {
        assertThat(resolve("multi.test"))
                .isEqualTo(new ResolvedServer(
                        "down.test",
                        multiServer.port(),
                        "multi.test",
                        "multi.test",
                        List.of(
                                new SrvTarget("nowhere.test", multiServer.port()),
                                new SrvTarget("plain.test", multiServer.port()))));
        assertThat(keyDocumentServerName("multi.test")).contains("multi.test");
    }

    /** The {@code server_name} of the key document fetched from {@code name} as discovery finds it. */
    private static Optional<String> keyDocumentServerName(String name) {
        FederationClient client =
                new FederationClient(ServerName.parse("origin.test"), SigningKey.generate("o"), resolver, https);
        return client.getUnsigned(ServerName.parse(name), "/_matrix/key/v2/server")
                .block()
                .getString("server_name");
    }

    @Test
    void blockedAddressesAreNeverConnectedTo() {
        HttpsExchange guarded = new HttpsExchange(
                lookups,
                FederationTls.clientContext(List.of(keyServer.certificate)),
                Duration.ofSeconds(10),
                List.of(IpRange.parse("127.0.0.0/8")));
        FederationClient client =
                new FederationClient(ServerName.parse("origin.test"), SigningKey.generate("o"), resolver, guarded);
        assertThatThrownBy(() -> client.getUnsigned(ServerName.parse("srv.test"), "/_matrix/key/v2/server")
                        .block())
                .isInstanceOf(FederationRequestException.class)
                .hasMessageContaining("blocked");
    }
}
