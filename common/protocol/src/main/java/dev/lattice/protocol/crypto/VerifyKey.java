package dev.lattice.protocol.crypto;

import static java.util.Objects.requireNonNull;

import dev.lattice.protocol.id.KeyId;
import java.util.Arrays;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * An Ed25519 public key with its key ID and, for server keys, the {@code valid_until_ts} the key cache settled on
 * (already capped at now + 7 days by the cache, per room version 5's rules). Thread-safe.
 */
public final class VerifyKey {
    /** {@link #validUntilTs()} of a key with no expiry (device keys, the test vectors). */
    public static final long NO_EXPIRY = Long.MAX_VALUE;

    private final KeyId keyId;
    private final byte[] publicKey;
    private final long validUntilTs;
    private final Ed25519PublicKeyParameters parameters;

    /**
     * @throws IllegalArgumentException if the key is not 32 bytes or the algorithm is not {@code ed25519}
     */
    public VerifyKey(KeyId keyId, byte[] publicKey, long validUntilTs) {
        this.keyId = requireNonNull(keyId, "keyId is null");
        if (!KeyId.ED25519.equals(keyId.algorithm())) {
            throw new IllegalArgumentException("unsupported key algorithm " + keyId.algorithm());
        }
        if (publicKey.length != Ed25519PublicKeyParameters.KEY_SIZE) {
            throw new IllegalArgumentException("an Ed25519 public key is 32 bytes, not " + publicKey.length);
        }
        this.publicKey = publicKey.clone();
        this.validUntilTs = validUntilTs;
        this.parameters = new Ed25519PublicKeyParameters(this.publicKey, 0);
    }

    public VerifyKey(KeyId keyId, byte[] publicKey) {
        this(keyId, publicKey, NO_EXPIRY);
    }

    /** A key from its unpadded base64 form, as published in {@code /_matrix/key/v2/server}. */
    public static VerifyKey fromBase64(KeyId keyId, String base64, long validUntilTs) {
        return new VerifyKey(keyId, UnpaddedBase64.decode(base64), validUntilTs);
    }

    public KeyId keyId() {
        return keyId;
    }

    public byte[] publicKey() {
        return publicKey.clone();
    }

    public String publicKeyBase64() {
        return UnpaddedBase64.encode(publicKey);
    }

    public long validUntilTs() {
        return validUntilTs;
    }

    /** Whether {@code signature} is this key's Ed25519 signature of {@code message}. */
    public boolean verify(byte[] message, byte[] signature) {
        if (signature.length != Ed25519PublicKeyParameters.KEY_SIZE * 2) {
            return false;
        }
        // Straight to the key parameters (which keep the decoded public point): no signer object, and no copy of the
        // message into the signer's buffer.
        return parameters.verify(Ed25519.Algorithm.Ed25519, null, message, 0, message.length, signature, 0);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VerifyKey other
                && keyId.equals(other.keyId)
                && Arrays.equals(publicKey, other.publicKey)
                && validUntilTs == other.validUntilTs;
    }

    @Override
    public int hashCode() {
        return keyId.hashCode() * 31 + Arrays.hashCode(publicKey);
    }

    @Override
    public String toString() {
        return "VerifyKey[" + keyId + " " + publicKeyBase64() + "]";
    }
}
