package dev.lattice.federationapi.internal;

import static java.util.Objects.requireNonNull;

import dev.lattice.protocol.crypto.JsonSigning;
import dev.lattice.protocol.crypto.SigningKey;
import dev.lattice.protocol.crypto.VerifyKey;
import dev.lattice.protocol.id.ServerName;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.json.JsonInteger;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.json.JsonString;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/** This server's Ed25519 signing key and the signed key document other servers fetch. */
public final class ServerKeys {
    /** The spec caps how far ahead {@code valid_until_ts} may lie. */
    static final Duration MAX_KEY_VALIDITY = Duration.ofDays(7);

    private final String serverName;
    private final SigningKey signingKey;
    private final Duration validity;
    private final Clock clock;

    public ServerKeys(String serverName, SigningKey signingKey, Duration validity, Clock clock) {
        this.serverName = requireNonNull(serverName, "serverName is null");
        this.signingKey = requireNonNull(signingKey, "signingKey is null");
        this.validity = validity.compareTo(MAX_KEY_VALIDITY) > 0 ? MAX_KEY_VALIDITY : validity;
        this.clock = requireNonNull(clock, "clock is null");
    }

    public SigningKey signingKey() {
        return signingKey;
    }

    public ServerName serverName() {
        return ServerName.parse(serverName);
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
                // No key has been retired yet; key rotation will list retired keys here.
                "old_verify_keys", JsonObject.EMPTY));
        return CanonicalJson.encode(JsonSigning.sign(keys, serverName, signingKey));
    }
}
