package dev.lattice.federationapi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.federationapi.internal.DnsLookups;
import dev.lattice.federationapi.internal.FederationClient;
import dev.lattice.federationapi.internal.FederationTls;
import dev.lattice.federationapi.internal.HttpsExchange;
import dev.lattice.federationapi.internal.KeyRing;
import dev.lattice.federationapi.internal.KeyRingKey;
import dev.lattice.federationapi.internal.ServerDiscovery;
import dev.lattice.federationapi.internal.ServerKeys;
import dev.lattice.federationapi.storage.TestingFederationApiDatabase;
import dev.lattice.protocol.crypto.SigningKey;
import dev.lattice.protocol.crypto.VerifyKey;
import dev.lattice.protocol.id.KeyId;
import dev.lattice.protocol.id.ServerName;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;

/**
 * The key ring against a real HTTPS key server, with storage in memory and a resolver that counts how often a
 * server is looked up, i.e. how often its keys are fetched.
 */
class KeyRingIT {
    private static final Instant START = Instant.parse("2026-12-04T12:00:00Z");

    @TempDir
    static Path dir;

    private static TestKeyServer server;
    private static HttpsExchange https;
    private final AtomicInteger lookups = new AtomicInteger();
    private TestClock clock;
    private KeyRing keyRing;
    private final SigningKey retired = SigningKey.generate("retired");
    private final long retiredAt = START.minus(Duration.ofDays(30)).toEpochMilli();

    @BeforeAll
    static void startServer() {
        server = new TestKeyServer(dir, START.plus(Duration.ofDays(1)).toEpochMilli());
        https = new HttpsExchange(
                DnsLookups.system(),
                FederationTls.clientContext(List.of(server.certificate)),
                Duration.ofSeconds(5),
                List.of());
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @BeforeEach
    void newKeyRing() {
        clock = new TestClock(START);
        SigningKey ours = SigningKey.generate("us");
        FederationClient client = new FederationClient(
                ServerName.parse("us.example"),
                ours,
                name -> {
                    lookups.incrementAndGet();
                    return Mono.justOrEmpty(ServerDiscovery.direct(name));
                },
                https);
        keyRing = new KeyRing(
                new ServerKeys(
                        "us.example",
                        ours,
                        List.of(new VerifyKey(
                                retired.keyId(), retired.verifyKey().publicKey(), retiredAt)),
                        Duration.ofDays(1),
                        clock),
                new TestingFederationApiDatabase(),
                client,
                List.of(),
                clock);
    }

    @Test
    void ourOwnOldKeyIsAnsweredRetiredWithoutAFetch() {
        KeyRingKey old = keyRing.verifyKey(ServerName.parse("us.example"), retired.keyId(), 0)
                .block()
                .orElseThrow();
        assertThat(old.retired()).isTrue();
        assertThat(old.key().validUntilTs()).isEqualTo(retiredAt);
        assertThat(old.key().publicKeyBase64()).isEqualTo(retired.verifyKey().publicKeyBase64());
        assertThat(keyRing.verifyKey(ServerName.parse("us.example"), KeyId.ed25519("never"), 0)
                        .block())
                .isEmpty();
        assertThat(lookups.get()).isZero();
    }

    @Test
    void answersFromStorageWhileTheKeyIsValidLongEnough() {
        ServerName name = ServerName.parse(server.serverName());
        long now = START.toEpochMilli();
        assertThat(keyRing.verifyKey(name, server.key.keyId(), now).block()).isPresent();
        assertThat(keyRing.verifyKey(name, server.key.keyId(), now + 1000).block())
                .isPresent();
        assertThat(lookups.get()).isEqualTo(1);
        // Asked for validity beyond what the server gave: fetched again (and still not more valid, so answered).
        long beyond = server.validUntilTs + 1;
        assertThat(keyRing.verifyKey(name, server.key.keyId(), beyond).block()).isPresent();
        assertThat(lookups.get()).isEqualTo(2);
    }

    @Test
    void anUnreachableServerIsNotAskedAgainUntilItsBackOffEnds() {
        ServerName nowhere = ServerName.parse("localhost:" + TestFederation.freePort());
        long now = START.toEpochMilli();
        assertThat(keyRing.verifyKey(nowhere, server.key.keyId(), now).block()).isEmpty();
        assertThat(keyRing.verifyKey(nowhere, server.key.keyId(), now).block()).isEmpty();
        assertThat(keyRing.keyResponse(nowhere, now).block()).isEmpty();
        assertThat(lookups.get()).isEqualTo(1);

        clock.advance(Duration.ofSeconds(61));
        assertThat(keyRing.verifyKey(nowhere, server.key.keyId(), now).block()).isEmpty();
        assertThat(lookups.get()).isEqualTo(2);
        // The second failure doubles the wait to two minutes.
        clock.advance(Duration.ofSeconds(61));
        assertThat(keyRing.verifyKey(nowhere, server.key.keyId(), now).block()).isEmpty();
        assertThat(lookups.get()).isEqualTo(2);
        clock.advance(Duration.ofSeconds(60));
        assertThat(keyRing.verifyKey(nowhere, server.key.keyId(), now).block()).isEmpty();
        assertThat(lookups.get()).isEqualTo(3);
    }
}
