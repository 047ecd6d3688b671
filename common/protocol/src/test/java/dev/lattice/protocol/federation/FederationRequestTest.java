package dev.lattice.protocol.federation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.protocol.crypto.SigningKey;
import dev.lattice.protocol.crypto.UnpaddedBase64;
import dev.lattice.protocol.crypto.VerifyKey;
import dev.lattice.protocol.id.KeyId;
import dev.lattice.protocol.id.ServerName;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.json.CanonicalJsonValue;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Signing and verifying requests with the appendix's test key (seed {@code YJDBA9...}, key ID {@code ed25519:1}).
 * The expected signatures were computed independently (Python's {@code cryptography} Ed25519 over
 * {@code json.dumps(sort_keys=True, separators=(",", ":"))} of the same objects).
 */
class FederationRequestTest {
    private static final SigningKey KEY = SigningKey.fromSeed(
            KeyId.parse("ed25519:1"), UnpaddedBase64.decode("YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA1"));
    private static final ServerName ORIGIN = ServerName.parse("origin.hs.example.com");
    private static final ServerName DESTINATION = ServerName.parse("destination.hs.example.com");
    private static final String PROFILE_URI =
            "/_matrix/federation/v1/query/profile?user_id=%40alice%3Adestination.hs.example.com";
    private static final Function<KeyId, Optional<VerifyKey>> KEYS =
            id -> id.equals(KEY.keyId()) ? Optional.of(KEY.verifyKey()) : Optional.empty();
    private static final long NOW = 1_700_000_000_000L;

    @Test
    void signsAGetWithoutContent() {
        FederationRequest request = new FederationRequest("GET", PROFILE_URI, ORIGIN, DESTINATION, Optional.empty());
        assertThat(CanonicalJson.encodeToString(request.toJson()))
                .isEqualTo("{\"destination\":\"destination.hs.example.com\",\"method\":\"GET\","
                        + "\"origin\":\"origin.hs.example.com\",\"uri\":\"" + PROFILE_URI + "\"}");
        XMatrix auth = request.sign(KEY);
        assertThat(auth)
                .isEqualTo(new XMatrix(
                        ORIGIN,
                        Optional.of(DESTINATION),
                        KEY.keyId(),
                        "1m0sGdqfnaCpxYxSAFK3QTCzfIWDMt3DegNZvCMeaeiTxH/+9cTEAD6P4MoqUqIwqYvWLnL4CfMHXAVHbg1FAw"));
        assertThat(FederationRequest.verify("GET", PROFILE_URI, Optional.empty(), auth, DESTINATION, KEYS, NOW))
                .isEqualTo(RequestCheck.VALID);
    }

    @Test
    void signsAPutWithItsContent() {
        Optional<CanonicalJsonValue> content = Optional.of(CanonicalJson.parse("{\"pdus\": [], \"edus\": []}"));
        XMatrix auth =
                new FederationRequest("PUT", "/_matrix/federation/v1/send/1", ORIGIN, DESTINATION, content).sign(KEY);
        assertThat(auth.signature())
                .isEqualTo("VOJYrxPJ5qvtql/tgQ9Zp5YwHH6AVCUF7/Q1gQWlcYOH51t2qlS9w7VmoQMmOSzPz5sBt4RfG6RNa1rlA27kBw");
        // The header survives the wire.
        XMatrix received = XMatrix.parse(auth.toHeaderValue());
        assertThat(FederationRequest.verify(
                        "PUT", "/_matrix/federation/v1/send/1", content, received, DESTINATION, KEYS, NOW))
                .isEqualTo(RequestCheck.VALID);
        // Another body, or none, is not what was signed.
        Optional<CanonicalJsonValue> other = Optional.of(CanonicalJson.parse("{\"pdus\": [1], \"edus\": []}"));
        assertThat(FederationRequest.verify(
                        "PUT", "/_matrix/federation/v1/send/1", other, received, DESTINATION, KEYS, NOW))
                .isEqualTo(RequestCheck.BAD_SIGNATURE);
        assertThat(FederationRequest.verify(
                        "PUT", "/_matrix/federation/v1/send/1", Optional.empty(), received, DESTINATION, KEYS, NOW))
                .isEqualTo(RequestCheck.BAD_SIGNATURE);
    }

    @Test
    void refusesAnotherDestination() {
        XMatrix auth = new FederationRequest("GET", PROFILE_URI, ORIGIN, DESTINATION, Optional.empty()).sign(KEY);
        ServerName us = ServerName.parse("elsewhere.example.com");
        assertThat(FederationRequest.verify("GET", PROFILE_URI, Optional.empty(), auth, us, KEYS, NOW))
                .isEqualTo(RequestCheck.WRONG_DESTINATION);
    }

    @Test
    void aHeaderWithoutDestinationIsCheckedAsAddressedToUs() {
        XMatrix signed = new FederationRequest("GET", PROFILE_URI, ORIGIN, DESTINATION, Optional.empty()).sign(KEY);
        XMatrix old = new XMatrix(ORIGIN, Optional.empty(), signed.keyId(), signed.signature());
        assertThat(FederationRequest.verify("GET", PROFILE_URI, Optional.empty(), old, DESTINATION, KEYS, NOW))
                .isEqualTo(RequestCheck.VALID);
        // A signature made for another destination does not verify for us.
        ServerName us = ServerName.parse("elsewhere.example.com");
        assertThat(FederationRequest.verify("GET", PROFILE_URI, Optional.empty(), old, us, KEYS, NOW))
                .isEqualTo(RequestCheck.BAD_SIGNATURE);
    }

    @Test
    void refusesWrongSignaturesAndUnknownOrExpiredKeys() {
        XMatrix auth = new FederationRequest("GET", PROFILE_URI, ORIGIN, DESTINATION, Optional.empty()).sign(KEY);
        // Method, URI and origin are covered.
        assertThat(FederationRequest.verify("PUT", PROFILE_URI, Optional.empty(), auth, DESTINATION, KEYS, NOW))
                .isEqualTo(RequestCheck.BAD_SIGNATURE);
        assertThat(FederationRequest.verify(
                        "GET", PROFILE_URI + "&x=1", Optional.empty(), auth, DESTINATION, KEYS, NOW))
                .isEqualTo(RequestCheck.BAD_SIGNATURE);
        XMatrix otherOrigin =
                new XMatrix(ServerName.parse("evil.example.com"), auth.destination(), auth.keyId(), auth.signature());
        assertThat(FederationRequest.verify("GET", PROFILE_URI, Optional.empty(), otherOrigin, DESTINATION, KEYS, NOW))
                .isEqualTo(RequestCheck.BAD_SIGNATURE);
        // Another key's signature.
        XMatrix byOtherKey = new FederationRequest("GET", PROFILE_URI, ORIGIN, DESTINATION, Optional.empty())
                .sign(SigningKey.generate("1"));
        assertThat(FederationRequest.verify("GET", PROFILE_URI, Optional.empty(), byOtherKey, DESTINATION, KEYS, NOW))
                .isEqualTo(RequestCheck.BAD_SIGNATURE);
        XMatrix garbled = new XMatrix(ORIGIN, auth.destination(), auth.keyId(), "not base64!");
        assertThat(FederationRequest.verify("GET", PROFILE_URI, Optional.empty(), garbled, DESTINATION, KEYS, NOW))
                .isEqualTo(RequestCheck.MALFORMED_SIGNATURE);
        assertThat(FederationRequest.verify(
                        "GET", PROFILE_URI, Optional.empty(), auth, DESTINATION, id -> Optional.empty(), NOW))
                .isEqualTo(RequestCheck.UNKNOWN_KEY);
        VerifyKey expired = new VerifyKey(KEY.keyId(), KEY.verifyKey().publicKey(), NOW - 1);
        assertThat(FederationRequest.verify(
                        "GET", PROFILE_URI, Optional.empty(), auth, DESTINATION, id -> Optional.of(expired), NOW))
                .isEqualTo(RequestCheck.EXPIRED_KEY);
    }
}
