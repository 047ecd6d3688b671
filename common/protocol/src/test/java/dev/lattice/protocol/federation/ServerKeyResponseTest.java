package dev.lattice.protocol.federation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lattice.protocol.crypto.JsonSigning;
import dev.lattice.protocol.crypto.SigningKey;
import dev.lattice.protocol.crypto.UnpaddedBase64;
import dev.lattice.protocol.id.KeyId;
import dev.lattice.protocol.id.ServerName;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.json.JsonInteger;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.json.JsonString;
import org.junit.jupiter.api.Test;

class ServerKeyResponseTest {
    private static final SigningKey KEY = SigningKey.fromSeed(
            KeyId.parse("ed25519:1"), UnpaddedBase64.decode("YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA1"));
    private static final SigningKey OLD = SigningKey.generate("0ldK3y");
    private static final ServerName DOMAIN = ServerName.parse("domain");
    private static final long NOW = 1_700_000_000_000L;
    private static final long DAY = 86_400_000L;

    /** A response of "domain" listing the appendix key, an old key and a key of an unknown algorithm. */
    private static JsonObject response(long validUntil) {
        return CanonicalJson.parseObject("""
                {
                  "server_name": "domain",
                  "valid_until_ts": %d,
                  "verify_keys": {
                    "ed25519:1": {"key": "%s"},
                    "curve9999:x": {"key": "whatever"}
                  },
                  "old_verify_keys": {
                    "ed25519:0ldK3y": {"expired_ts": 1532645052628,
                                       "key": "%s"}
                  }
                }""".formatted(
                validUntil, KEY.verifyKey().publicKeyBase64(), OLD.verifyKey().publicKeyBase64()));
    }

    @Test
    void acceptsASelfSignedResponseAndCapsItsValidity() {
        JsonObject signed = JsonSigning.sign(response(NOW + 30 * DAY), "domain", KEY);
        ServerKeyResponse keys = ServerKeyResponse.verify(signed, DOMAIN, NOW);
        assertThat(keys.verifyKeys()).containsOnlyKeys(KEY.keyId());
        assertThat(keys.verifyKeys().get(KEY.keyId()).validUntilTs()).isEqualTo(NOW + 7 * DAY);
        assertThat(keys.validUntilTs()).isEqualTo(NOW + 30 * DAY);
        assertThat(keys.key(KeyId.parse("ed25519:0ldK3y")).orElseThrow().validUntilTs())
                .isEqualTo(1532645052628L);
        assertThat(keys.json()).isEqualTo(signed);
        // A shorter valid_until_ts stays as it is.
        ServerKeyResponse shortLived =
                ServerKeyResponse.verify(JsonSigning.sign(response(NOW + DAY), "domain", KEY), DOMAIN, NOW);
        assertThat(shortLived.verifyKeys().get(KEY.keyId()).validUntilTs()).isEqualTo(NOW + DAY);
    }

    @Test
    void refusesAResponseForAnotherServer() {
        JsonObject signed = JsonSigning.sign(response(NOW + DAY), "domain", KEY);
        assertThatThrownBy(() -> ServerKeyResponse.verify(signed, ServerName.parse("other.example"), NOW))
                .isInstanceOf(InvalidKeyResponseException.class)
                .hasMessageContaining("not other.example");
    }

    @Test
    void refusesUnsignedTamperedAndForeignSignedResponses() {
        assertThatThrownBy(() -> ServerKeyResponse.verify(response(NOW + DAY), DOMAIN, NOW))
                .isInstanceOf(InvalidKeyResponseException.class)
                .hasMessageContaining("not signed");
        JsonObject tampered = JsonSigning.sign(response(NOW + DAY), "domain", KEY)
                .with("valid_until_ts", JsonInteger.of(NOW + 300 * DAY));
        assertThatThrownBy(() -> ServerKeyResponse.verify(tampered, DOMAIN, NOW))
                .isInstanceOf(InvalidKeyResponseException.class)
                .hasMessageContaining("invalid");
        // Signed, but by a key the response does not list (someone else's key under the same ID).
        JsonObject foreign = JsonSigning.sign(response(NOW + DAY), "domain", SigningKey.generate("2"));
        assertThatThrownBy(() -> ServerKeyResponse.verify(foreign, DOMAIN, NOW))
                .isInstanceOf(InvalidKeyResponseException.class)
                .hasMessageContaining("not signed");
    }

    @Test
    void refusesMalformedResponses() {
        JsonObject good = response(NOW + DAY);
        for (JsonObject bad : new JsonObject[] {
            good.without("server_name"),
            good.without("valid_until_ts"),
            good.with("valid_until_ts", JsonString.of("soon")),
            good.without("verify_keys"),
            good.with("verify_keys", JsonString.of("x")),
            good.with("verify_keys", JsonObject.EMPTY.with("ed25519:1", JsonObject.EMPTY)),
            good.with(
                    "verify_keys",
                    JsonObject.EMPTY.with("ed25519:1", JsonObject.EMPTY.with("key", JsonString.of("AAAA")))),
            good.with(
                    "old_verify_keys",
                    JsonObject.EMPTY.with(
                            "ed25519:0ld",
                            JsonObject.EMPTY.with(
                                    "key", JsonString.of(KEY.verifyKey().publicKeyBase64()))))
        }) {
            JsonObject signed = JsonSigning.sign(bad, "domain", KEY);
            assertThatThrownBy(() -> ServerKeyResponse.verify(signed, DOMAIN, NOW))
                    .isInstanceOf(InvalidKeyResponseException.class);
        }
    }
}
