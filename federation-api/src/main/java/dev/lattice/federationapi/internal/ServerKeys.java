package dev.lattice.federationapi.internal;

import static java.util.Objects.requireNonNull;

import dev.lattice.protocol.crypto.JsonSigning;
import dev.lattice.protocol.crypto.SigningKey;
import dev.lattice.protocol.crypto.VerifyKey;
import dev.lattice.protocol.id.KeyId;
import dev.lattice.protocol.id.ServerName;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.json.JsonInteger;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.json.JsonString;
import dev.lattice.runtime.StartupException;
import dev.lattice.runtime.config.LatticeProperties.OldVerifyKey;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * This server's Ed25519 signing key and the signed key document other servers fetch, with the keys it signed with
 * before (key rotation): those stay published under {@code old_verify_keys}, each with the time it stopped signing,
 * so that events signed with them can still be checked.
 */
public final class ServerKeys {
    /** The spec caps how far ahead {@code valid_until_ts} may lie. */
    static final Duration MAX_KEY_VALIDITY = Duration.ofDays(7);

    private final String serverName;
    private final SigningKey signingKey;
    private final Map<KeyId, VerifyKey> oldKeys;
    private final Duration validity;
    private final Clock clock;

    public ServerKeys(String serverName, SigningKey signingKey, Duration validity, Clock clock) {
        this(serverName, signingKey, List.of(), validity, clock);
    }

    /**
     * @param oldKeys the keys used before {@code signingKey}, each valid until the time it stopped signing
     *     ({@code expired_ts}); none may have the current key's ID
     */
    public ServerKeys(
            String serverName, SigningKey signingKey, List<VerifyKey> oldKeys, Duration validity, Clock clock) {
        this.serverName = requireNonNull(serverName, "serverName is null");
        this.signingKey = requireNonNull(signingKey, "signingKey is null");
        Map<KeyId, VerifyKey> old = new HashMap<>();
        for (VerifyKey key : oldKeys) {
            if (key.keyId().equals(signingKey.keyId())) {
                throw new IllegalArgumentException(key.keyId() + " is the current signing key, not an old one");
            }
            old.put(key.keyId(), key);
        }
        this.oldKeys = Map.copyOf(old);
        this.validity = validity.compareTo(MAX_KEY_VALIDITY) > 0 ? MAX_KEY_VALIDITY : validity;
        this.clock = requireNonNull(clock, "clock is null");
    }

    public SigningKey signingKey() {
        return signingKey;
    }

    public ServerName serverName() {
        return ServerName.parse(serverName);
    }

    /**
     * The old keys as configured ({@code lattice.federation.old-verify-keys}).
     *
     * @throws StartupException naming the entry that is not an Ed25519 key ID with its 32-byte public key
     */
    public static List<VerifyKey> oldKeys(List<OldVerifyKey> configured) {
        return configured.stream()
                .map(old -> {
                    KeyId keyId = KeyId.tryParseEd25519(String.valueOf(old.keyId()))
                            .orElseThrow(() -> new StartupException("lattice.federation.old-verify-keys: " + old.keyId()
                                    + " is not an ed25519 key ID (ed25519:<version>)"));
                    try {
                        return VerifyKey.fromBase64(keyId, String.valueOf(old.publicKey()), old.expiredTs());
                    } catch (IllegalArgumentException e) {
                        throw new StartupException(
                                "lattice.federation.old-verify-keys: the public key of " + keyId
                                        + " is not an unpadded base64 Ed25519 key: " + e.getMessage(),
                                e);
                    }
                })
                .toList();
    }

    /** One of the old keys, valid until it stopped signing. */
    public Optional<VerifyKey> oldKey(KeyId keyId) {
        return Optional.ofNullable(oldKeys.get(keyId));
    }

    /** Our verify key as other servers see it when fetched at {@code nowMillis}. */
    public VerifyKey verifyKey(long nowMillis) {
        return new VerifyKey(signingKey.keyId(), signingKey.verifyKey().publicKey(), nowMillis + validity.toMillis());
    }

    /** {@code json} with our signature added, as a notary vouches for what it relays. */
    public JsonObject coSign(JsonObject json) {
        return JsonSigning.sign(json, serverName, signingKey);
    }

    /**
     * The body of {@code GET /_matrix/key/v2/server}: the current verify key, valid for the configured time (at
     * most 7 days), signed with itself, as canonical JSON.
     */
    public byte[] signedServerKeys() {
        long validUntil = clock.millis() + validity.toMillis();
        JsonObject keys = JsonObject.of(Map.of(
                "server_name", JsonString.of(serverName),
                "valid_until_ts", JsonInteger.of(validUntil),
                "verify_keys",
                        JsonObject.of(Map.of(
                                signingKey.keyId().toString(),
                                JsonObject.of(Map.of(
                                        "key",
                                        JsonString.of(signingKey.verifyKey().publicKeyBase64()))))),
                "old_verify_keys", oldVerifyKeys()));
        return CanonicalJson.encode(JsonSigning.sign(keys, serverName, signingKey));
    }

    private JsonObject oldVerifyKeys() {
        Map<String, JsonObject> old = new HashMap<>();
        oldKeys.forEach((id, key) -> old.put(
                id.toString(),
                JsonObject.of(Map.of(
                        "key", JsonString.of(key.publicKeyBase64()),
                        "expired_ts", JsonInteger.of(key.validUntilTs())))));
        return JsonObject.of(old);
    }
}
