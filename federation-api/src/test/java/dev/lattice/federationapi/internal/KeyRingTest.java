package dev.lattice.federationapi.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lattice.federationapi.config.FederationApiProperties.Notary;
import dev.lattice.protocol.crypto.JsonSigning;
import dev.lattice.protocol.crypto.SigningKey;
import dev.lattice.protocol.federation.InvalidKeyResponseException;
import dev.lattice.protocol.federation.ServerKeyResponse;
import dev.lattice.protocol.id.ServerName;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.json.JsonArray;
import dev.lattice.protocol.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which of a notary's answers the key ring believes. */
class KeyRingTest {
    private static final long NOW = 1_700_000_000_000L;
    private static final ServerName SERVER = ServerName.parse("remote.example");
    private static final SigningKey SERVER_KEY = SigningKey.generate("r");
    private static final SigningKey NOTARY_KEY = SigningKey.generate("n");

    private static JsonObject document(String serverName, long validUntil) {
        return JsonSigning.sign(
                CanonicalJson.parseObject("""
                        {"server_name": "%s", "valid_until_ts": %d, "verify_keys": {"%s": {"key": "%s"}}}""".formatted(
                                serverName,
                                validUntil,
                                SERVER_KEY.keyId(),
                                SERVER_KEY.verifyKey().publicKeyBase64())),
                serverName,
                SERVER_KEY);
    }

    private static JsonObject answer(JsonObject... documents) {
        return JsonObject.EMPTY.with("server_keys", JsonArray.of(documents));
    }

    @Test
    void takesTheNewestValidResponseForTheServerAsked() {
        JsonObject older = document("remote.example", NOW + 1000);
        JsonObject newer = document("remote.example", NOW + 2000);
        JsonObject other = document("other.example", NOW + 9000);
        JsonObject forged = newer.with("valid_until_ts", dev.lattice.protocol.json.JsonInteger.of(NOW + 5000));
        ServerKeyResponse chosen = KeyRing.fromNotary(
                answer(older, other, forged, newer), SERVER, new Notary("notary.example", Map.of()), NOW);
        assertThat(chosen.validUntilTs()).isEqualTo(NOW + 2000);
    }

    @Test
    void aNotaryWithConfiguredKeysMustHaveSignedTheResponse() {
        Notary notary = new Notary(
                "notary.example",
                Map.of(NOTARY_KEY.keyId().value(), NOTARY_KEY.verifyKey().publicKeyBase64()));
        JsonObject unsigned = document("remote.example", NOW + 1000);
        assertThatThrownBy(() -> KeyRing.fromNotary(answer(unsigned), SERVER, notary, NOW))
                .isInstanceOf(InvalidKeyResponseException.class);
        JsonObject coSigned = JsonSigning.sign(unsigned, "notary.example", NOTARY_KEY);
        assertThat(KeyRing.fromNotary(answer(coSigned), SERVER, notary, NOW).json())
                .isEqualTo(coSigned);
    }

    @Test
    void anAnswerWithoutServerKeysIsInvalid() {
        assertThatThrownBy(() -> KeyRing.fromNotary(JsonObject.EMPTY, SERVER, new Notary("n.example", Map.of()), NOW))
                .isInstanceOf(InvalidKeyResponseException.class);
    }
}
