package dev.lattice.protocol.federation;

import static java.util.Objects.requireNonNull;

import dev.lattice.protocol.crypto.JsonSigning;
import dev.lattice.protocol.crypto.SignatureCheck;
import dev.lattice.protocol.crypto.VerifyKey;
import dev.lattice.protocol.id.KeyId;
import dev.lattice.protocol.id.ServerName;
import dev.lattice.protocol.json.CanonicalJsonValue;
import dev.lattice.protocol.json.JsonObject;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * A server's published keys as {@code GET /_matrix/key/v2/server} returns them (and notaries relay them), checked:
 * the shape of <a href="https://spec.matrix.org/v1.19/server-server-api/#get_matrixkeyv2server">Server Keys</a>, a
 * valid self-signature, and validity capped as the spec demands.
 *
 * @param serverName who the keys belong to
 * @param verifyKeys the current keys, each valid until {@link #validUntilTs()} capped at fetch time + 7 days
 * @param oldVerifyKeys retired keys (valid for old events only), each valid until its {@code expired_ts}
 * @param validUntilTs the response's own {@code valid_until_ts}, uncapped: when to refresh it
 * @param json the response as received (all its signatures), for notaries to relay
 */
public record ServerKeyResponse(
        ServerName serverName,
        Map<KeyId, VerifyKey> verifyKeys,
        Map<KeyId, VerifyKey> oldVerifyKeys,
        long validUntilTs,
        JsonObject json) {

    /** The spec's cap on how far ahead a key counts as valid, whatever {@code valid_until_ts} says. */
    public static final Duration MAX_VALIDITY = Duration.ofDays(7);

    public ServerKeyResponse {
        requireNonNull(serverName, "serverName is null");
        verifyKeys = Map.copyOf(verifyKeys);
        oldVerifyKeys = Map.copyOf(oldVerifyKeys);
        requireNonNull(json, "json is null");
    }

    /**
     * Checks a response fetched at {@code nowMillis}. Keys of algorithms other than {@code ed25519} are skipped, as
     * Synapse does. The self-signature must exist under at least one key of {@code verify_keys} and every
     * {@code ed25519} signature of the server by a listed key must verify (Synapse checks one; gomatrixserverlib
     * all; a bad one alongside good ones means the document was altered).
     *
     * @param expected the server whose keys were asked for; the response must name it
     * @throws InvalidKeyResponseException if any check fails
     */
    public static ServerKeyResponse verify(JsonObject json, ServerName expected, long nowMillis) {
        String name = json.getString("server_name")
                .orElseThrow(() -> new InvalidKeyResponseException("server_name is missing or not a string"));
        if (!name.equals(expected.value())) {
            throw new InvalidKeyResponseException("the response is for " + name + ", not " + expected);
        }
        long validUntil = json.getInteger("valid_until_ts")
                .orElseThrow(() -> new InvalidKeyResponseException("valid_until_ts is missing or not an integer"));
        long capped = Math.min(validUntil, nowMillis + MAX_VALIDITY.toMillis());
        Map<KeyId, VerifyKey> current = keys(json, "verify_keys", object -> Optional.of(capped));
        Map<KeyId, VerifyKey> old = keys(json, "old_verify_keys", object -> object.getInteger("expired_ts"));
        byte[] signed = JsonSigning.signedBytes(json);
        Map<String, String> signatures = JsonSigning.signaturesOf(json, name);
        boolean verified = false;
        for (VerifyKey key : current.values()) {
            if (!signatures.containsKey(key.keyId().value())) {
                continue;
            }
            SignatureCheck check = JsonSigning.verify(json, signed, name, key);
            if (!check.isValid()) {
                throw new InvalidKeyResponseException("the signature by " + key.keyId() + " is invalid: " + check);
            }
            verified = true;
        }
        if (!verified) {
            throw new InvalidKeyResponseException("the response is not signed by any of its verify_keys");
        }
        return new ServerKeyResponse(expected, current, old, validUntil, json);
    }

    /** The key {@code keyId} if the response lists it, current or old. */
    public Optional<VerifyKey> key(KeyId keyId) {
        VerifyKey key = verifyKeys.get(keyId);
        return key != null ? Optional.of(key) : Optional.ofNullable(oldVerifyKeys.get(keyId));
    }

    private static Map<KeyId, VerifyKey> keys(
            JsonObject json, String member, Function<JsonObject, Optional<Long>> validUntil) {
        Optional<CanonicalJsonValue> value = json.get(member);
        if (value.isEmpty()) {
            if (member.equals("verify_keys")) {
                throw new InvalidKeyResponseException("verify_keys is missing");
            }
            return Map.of();
        }
        if (!(value.get() instanceof JsonObject keys)) {
            throw new InvalidKeyResponseException(member + " is not an object");
        }
        Map<KeyId, VerifyKey> out = new TreeMap<>(Comparator.comparing(KeyId::value));
        for (Map.Entry<String, CanonicalJsonValue> entry : keys.members().entrySet()) {
            Optional<KeyId> keyId = KeyId.tryParseEd25519(entry.getKey());
            if (keyId.isEmpty()) {
                continue; // another algorithm, or a malformed ID: not a key we could ever use
            }
            if (!(entry.getValue() instanceof JsonObject object)) {
                throw new InvalidKeyResponseException(member + "." + entry.getKey() + " is not an object");
            }
            String base64 = object.getString("key")
                    .orElseThrow(() -> new InvalidKeyResponseException(
                            member + "." + entry.getKey() + ".key is missing or not a string"));
            long until = validUntil
                    .apply(object)
                    .orElseThrow(() -> new InvalidKeyResponseException(
                            member + "." + entry.getKey() + ".expired_ts is missing or not an integer"));
            try {
                out.put(keyId.get(), VerifyKey.fromBase64(keyId.get(), base64, until));
            } catch (IllegalArgumentException e) {
                throw new InvalidKeyResponseException(
                        member + "." + entry.getKey() + " is not an Ed25519 public key: " + e.getMessage());
            }
        }
        return out;
    }
}
