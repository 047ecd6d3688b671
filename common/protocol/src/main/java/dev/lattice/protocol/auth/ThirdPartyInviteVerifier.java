package dev.lattice.protocol.auth;

import dev.lattice.protocol.crypto.JsonSigning;
import dev.lattice.protocol.crypto.VerifyKey;
import dev.lattice.protocol.id.KeyId;
import dev.lattice.protocol.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Verifies the {@code signed} block of a third-party invite against the public keys of the matching
 * {@code m.room.third_party_invite} event (rule "If any signature in {@code signed} matches any public key in the
 * {@code m.room.third_party_invite} event, allow"). The auth rules call it through this interface so that tests can
 * stand in for the cryptography.
 */
@FunctionalInterface
public interface ThirdPartyInviteVerifier {

    /** A verifier that trusts no signature: every third-party invite is rejected. */
    ThirdPartyInviteVerifier REJECT_ALL = (signed, publicKeys) -> false;

    /**
     * The real check: any {@code ed25519} signature of any entity in {@code signed.signatures} that verifies with any
     * of the public keys. Malformed keys and signatures are skipped.
     */
    ThirdPartyInviteVerifier ED25519 = (signed, publicKeys) -> {
        JsonObject signatures = signed.getObject("signatures").orElse(JsonObject.EMPTY);
        byte[] signedBytes = JsonSigning.signedBytes(signed);
        for (String entity : signatures.members().keySet()) {
            for (Map.Entry<String, String> signature :
                    JsonSigning.signaturesOf(signed, entity).entrySet()) {
                Optional<KeyId> keyId = KeyId.tryParseEd25519(signature.getKey());
                if (keyId.isEmpty()) {
                    continue;
                }
                for (String publicKey : publicKeys) {
                    VerifyKey key;
                    try {
                        key = VerifyKey.fromBase64(keyId.get(), publicKey, VerifyKey.NO_EXPIRY);
                    } catch (IllegalArgumentException e) {
                        continue;
                    }
                    if (JsonSigning.verifySignature(signedBytes, signature.getValue(), key)
                            .isValid()) {
                        return true;
                    }
                }
            }
        }
        return false;
    };

    /**
     * @param signed the {@code content.third_party_invite.signed} object (with {@code mxid}, {@code token} and
     *     {@code signatures})
     * @param publicKeys the unpadded-base64 Ed25519 public keys of the {@code m.room.third_party_invite} event:
     *     {@code public_key} then each {@code public_keys[].public_key}
     * @return whether any signature in {@code signed} verifies with any of the keys
     */
    boolean verify(JsonObject signed, List<String> publicKeys);
}
