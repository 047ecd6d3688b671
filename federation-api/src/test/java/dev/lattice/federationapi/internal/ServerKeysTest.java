package dev.lattice.federationapi.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lattice.protocol.crypto.SigningKey;
import dev.lattice.protocol.crypto.VerifyKey;
import dev.lattice.protocol.federation.ServerKeyResponse;
import dev.lattice.protocol.id.ServerName;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.runtime.StartupException;
import dev.lattice.runtime.config.LatticeProperties.OldVerifyKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Key rotation: the keys this server signed with before stay published, and checkable, as retired keys. */
class ServerKeysTest {
    private static final Instant NOW = Instant.parse("2026-12-07T10:00:00Z");
    private static final long RETIRED_AT = NOW.minus(Duration.ofDays(30)).toEpochMilli();

    private final SigningKey before = SigningKey.generate("before");
    private final SigningKey now = SigningKey.generate("now");
    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);

    private ServerKeys rotated() {
        List<VerifyKey> old = ServerKeys.oldKeys(List.of(
                new OldVerifyKey(before.keyId().toString(), before.verifyKey().publicKeyBase64(), RETIRED_AT)));
        return new ServerKeys("us.example", now, old, Duration.ofDays(1), clock);
    }

    @Test
    void theKeyDocumentListsTheOldKeyWithWhenItStoppedSigning() {
        ServerKeyResponse response = ServerKeyResponse.verify(
                CanonicalJson.parseObject(rotated().signedServerKeys()),
                ServerName.parse("us.example"),
                clock.millis());

        assertThat(response.verifyKeys()).containsOnlyKeys(now.keyId());
        assertThat(response.oldVerifyKeys()).containsOnlyKeys(before.keyId());
        VerifyKey old = response.oldVerifyKeys().get(before.keyId());
        assertThat(old.publicKeyBase64()).isEqualTo(before.verifyKey().publicKeyBase64());
        assertThat(old.validUntilTs()).isEqualTo(RETIRED_AT);
        assertThat(response.json()
                        .getObject("old_verify_keys")
                        .flatMap(o -> o.getObject(before.keyId().toString()))
                        .flatMap(o -> o.getInteger("expired_ts")))
                .as("as the spec writes it")
                .contains(RETIRED_AT);
    }

    @Test
    void withoutOldKeysTheDocumentHasAnEmptyOldVerifyKeys() {
        ServerKeys keys = new ServerKeys("us.example", now, Duration.ofDays(1), clock);
        ServerKeyResponse response = ServerKeyResponse.verify(
                CanonicalJson.parseObject(keys.signedServerKeys()), ServerName.parse("us.example"), clock.millis());

        assertThat(response.oldVerifyKeys()).isEmpty();
        assertThat(response.json().getObject("old_verify_keys")).contains(JsonObject.EMPTY);
    }

    @Test
    void aMisconfiguredOldKeyStopsTheStartNamingIt() {
        assertThatThrownBy(() -> ServerKeys.oldKeys(List.of(new OldVerifyKey("curve25519:x", "AAAA", 1))))
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("curve25519:x");
        assertThatThrownBy(() -> ServerKeys.oldKeys(List.of(new OldVerifyKey("ed25519:x", "c2hvcnQ", 1))))
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("ed25519:x");
        assertThatThrownBy(() -> new ServerKeys("us.example", now, List.of(now.verifyKey()), Duration.ofDays(1), clock))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("current signing key");
    }
}
