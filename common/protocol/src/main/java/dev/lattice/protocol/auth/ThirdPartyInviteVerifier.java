package dev.lattice.protocol.auth;

import dev.lattice.protocol.json.JsonObject;
import java.util.List;

/**
 * Verifies the {@code signed} block of a third-party invite against the public keys of the matching
 * {@code m.room.third_party_invite} event (rule "If any signature in {@code signed} matches any public key in the
 * {@code m.room.third_party_invite} event, allow"). Cryptography lives in the {@code crypto} package; this interface
 * keeps the auth rules free of it.
 */
@FunctionalInterface
public interface ThirdPartyInviteVerifier {

    /** A verifier that trusts no signature: every third-party invite is rejected. */
    ThirdPartyInviteVerifier REJECT_ALL = (signed, publicKeys) -> false;

    /**
     * @param signed the {@code content.third_party_invite.signed} object (with {@code mxid}, {@code token} and
     *     {@code signatures})
     * @param publicKeys the unpadded-base64 Ed25519 public keys of the {@code m.room.third_party_invite} event:
     *     {@code public_key} then each {@code public_keys[].public_key}
     * @return whether any signature in {@code signed} verifies with any of the keys
     */
    boolean verify(JsonObject signed, List<String> publicKeys);
}
